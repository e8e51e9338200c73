import VigilCore

/// How alerts are matched to ground truth.
///
/// **Matching rule.** Alerts are grouped into incidents by `id`. An incident has kind `K` when
/// any of its messages says `kind: K`; its *first K message* is the first of them in order of
/// arrival. An incident of kind `K` matches a true event of kind `K` when
/// - the true event is a crossing and the first K message's `direction` equals the crossing's
///   (`SY->IQ`); events without a direction (zone events: `intrusion`, `loitering`) skip this test,
/// - the first K message's `class` is the actor's class,
/// - the first K message's position (`lat`, `lon`) lies within ``matchDistanceM`` of the event's
///   position (the crossing point; the entry point; where a dwell or loitering began), and
/// - the incident's event-time window (the earliest `first_ts` to the latest `last_ts` over its
///   messages), widened by ``matchTimeS`` on both sides, contains the event's event time.
///
/// Kinds are scored one at a time, so an incident whose kind rose (raised as an `intrusion`,
/// updated to a `border_crossing`) can match one true event of each of its kinds.
///
/// Each incident counts for at most one true event of each kind: of the events it matches, an
/// expected one before a hidden one (``TrueEvent/Expectation``), then the one whose event time is
/// nearest the first K message's `last_ts`, then the nearest in space. An expected true event
/// matched by no incident is *missed*; every matched incident beyond the first for one true
/// event is a *duplicate*; an incident of kind K that matches no true event is a *false alert*.
/// A hidden event may be matched or not; silent events (animals) are never matched, so an
/// incident about one is false.
///
/// **Count.** A detected true event is a *count error* when one of its matched incidents reports
/// a largest `count` (over its messages) other than the actor's number of members, or none.
public struct MatchParameters: Sendable, Equatable {
    /// Greatest distance, metres, from the true event's position to the incident's position at
    /// its first message of the kind. Default 300.
    public var matchDistanceM: Double
    /// Tolerance, seconds, around the incident's event-time window. Default 60.
    public var matchTimeS: Double
    /// Classes whose true events must raise no alert, whatever the rules say. Default `[.animal]`.
    public var silentClasses: Set<ObjectClass>

    /// Creates parameters.
    public init(matchDistanceM: Double = 300, matchTimeS: Double = 60, silentClasses: Set<ObjectClass> = [.animal]) {
        self.matchDistanceM = matchDistanceM
        self.matchTimeS = matchTimeS
        self.silentClasses = silentClasses
    }
}

/// A detected true event whose incident reported another `count` than the actor's members.
public struct CountMismatch: Sendable, Equatable {
    /// The true event.
    public var event: TrueEvent
    /// The incident.
    public var incidentID: String
    /// The incident's largest `count`, `nil` when none of its messages had one.
    public var reported: Int?

    /// Creates a mismatch.
    public init(event: TrueEvent, incidentID: String, reported: Int?) {
        self.event = event
        self.incidentID = incidentID
        self.reported = reported
    }
}

/// The score of one alert kind against its ground truth.
public struct KindScore: Sendable, Equatable {
    /// The alert kind (`border_crossing`).
    public var kind: String
    /// True events of the kind that should raise an alert.
    public var expected: Int
    /// True events of the kind that should raise none: by actors of a silent class (animals), or
    /// that the rules suppress.
    public var silent: Int
    /// True events of the kind that the actor's incident may or may not tell (``TrueEvent/Expectation/hidden``).
    public var hidden: Int
    /// Incidents of the kind raised by the daemon.
    public var incidents: Int
    /// Expected true events matched by at least one incident.
    public var detected: Int
    /// Expected true events matched by no incident.
    public var missed: Int
    /// Matched incidents beyond the first, summed over true events (hidden ones included).
    public var duplicates: Int
    /// Incidents of the kind that match no true event.
    public var falseAlerts: Int
    /// Detected true events with an incident whose largest `count` is not the actor's members.
    public var countErrors: Int
    /// One latency per detected true event, milliseconds (see ``Scorer``), ascending.
    public var latenciesMs: [Double]
    /// The true events missed, for people.
    public var missedEvents: [TrueEvent]
    /// The ids of the false alerts' incidents.
    public var falseIncidentIDs: [String]
    /// The count errors, for people: one per detected event (its first mismatching incident).
    public var countMismatches: [CountMismatch]

    /// Creates a score.
    public init(
        kind: String, expected: Int, silent: Int = 0, hidden: Int = 0, incidents: Int, detected: Int, missed: Int, duplicates: Int,
        falseAlerts: Int, countErrors: Int = 0, latenciesMs: [Double], missedEvents: [TrueEvent] = [], falseIncidentIDs: [String] = [],
        countMismatches: [CountMismatch] = []
    ) {
        self.kind = kind
        self.expected = expected
        self.silent = silent
        self.hidden = hidden
        self.incidents = incidents
        self.detected = detected
        self.missed = missed
        self.duplicates = duplicates
        self.falseAlerts = falseAlerts
        self.countErrors = countErrors
        self.latenciesMs = latenciesMs.sorted()
        self.missedEvents = missedEvents
        self.falseIncidentIDs = falseIncidentIDs
        self.countMismatches = countMismatches
    }

    /// Detected over expected; 1 when nothing was expected.
    public var detectedFraction: Double { expected == 0 ? 1 : Double(detected) / Double(expected) }
    /// Median latency (nearest rank), ms; `nil` without a detection.
    public var latencyMedianMs: Double? { Self.percentile(latenciesMs, 0.5) }
    /// 99th-percentile latency (nearest rank), ms.
    public var latencyP99Ms: Double? { Self.percentile(latenciesMs, 0.99) }
    /// Greatest latency, ms.
    public var latencyMaxMs: Double? { latenciesMs.last }

    /// The nearest-rank percentile `p` (0...1) of ascending `values`: the value at rank ⌈p·n⌉.
    public static func percentile(_ values: [Double], _ p: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let rank = Int((p * Double(values.count)).rounded(.up))
        return values[min(max(rank, 1), values.count) - 1]
    }
}

/// A run's score: one ``KindScore`` per scored kind (see ``GroundTruth/kinds``), and how many
/// incidents of other kinds (which the simulator has no truth for, so neither counts as right
/// nor wrong) were seen.
public struct Score: Sendable, Equatable {
    /// Scores of the scored kinds, by kind name.
    public var kinds: [KindScore]
    /// Incidents of kinds without ground truth, by kind (an incident counts under its last kind).
    public var otherIncidents: [String: Int]
    /// Alert messages received, and how many of them could not be parsed.
    public var messages: Int
    /// Alert payloads that were not JSON objects with an `id`.
    public var unparsable: Int

    /// Creates a score.
    public init(kinds: [KindScore], otherIncidents: [String: Int] = [:], messages: Int = 0, unparsable: Int = 0) {
        self.kinds = kinds
        self.otherIncidents = otherIncidents
        self.messages = messages
        self.unparsable = unparsable
    }

    /// The score of `kind`.
    public subscript(kind: String) -> KindScore? { kinds.first { $0.kind == kind } }

    /// A small table for people, one line per kind.
    public var table: String {
        func ms(_ value: Double?) -> String { value.map { Format.fixed($0, 0) } ?? "-" }
        var lines = [
            "kind               expected silent hidden incidents missed dup false count  lat.median  lat.p99  lat.max (ms)"
        ]
        for score in kinds {
            let columns = [
                ("\(score.expected)", 8), ("\(score.silent)", 6), ("\(score.hidden)", 6), ("\(score.incidents)", 9),
                ("\(score.missed)", 6), ("\(score.duplicates)", 3), ("\(score.falseAlerts)", 5), ("\(score.countErrors)", 5),
                (ms(score.latencyMedianMs), 11), (ms(score.latencyP99Ms), 8), (ms(score.latencyMaxMs), 8),
            ]
            lines.append(score.kind.padding(18) + columns.map { " " + $0.0.leftPadding($0.1) }.joined())
            for event in score.missedEvents { lines.append("  missed: \(event.summary)") }
            for id in score.falseIncidentIDs { lines.append("  false alert: incident \(id)") }
            for mismatch in score.countMismatches {
                let reported = mismatch.reported.map { "\($0)" } ?? "no count"
                lines.append("  count: \(mismatch.event.summary): \(mismatch.event.count) true, incident \(mismatch.incidentID) says \(reported)")
            }
        }
        for (kind, count) in otherIncidents.sorted(by: { $0.key < $1.key }) {
            lines.append("\(kind.padding(18)) (no ground truth) \(count) incident\(count == 1 ? "" : "s")")
        }
        if unparsable > 0 { lines.append("\(unparsable) of \(messages) alert messages could not be parsed") }
        return lines.joined(separator: "\n")
    }

    /// One JSON object: `{"messages":3,"kinds":{"border_crossing":{"expected":1,...}},...}`,
    /// with the threshold `failures` (empty when every threshold was met) and `passed`.
    public func json(failures: [String] = []) -> String {
        func number(_ value: Double?) -> String { value.map { Format.fixed($0, 1) } ?? "null" }
        let kindsJSON = kinds.map { score in
            "\(jsonString(score.kind)):{\"expected\":\(score.expected),\"silent\":\(score.silent),\"incidents\":\(score.incidents),\"detected\":\(score.detected),"
                + "\"missed\":\(score.missed),\"duplicates\":\(score.duplicates),\"false\":\(score.falseAlerts),"
                + "\"count_errors\":\(score.countErrors),\"hidden\":\(score.hidden),"
                + "\"detected_fraction\":\(Format.fixed(score.detectedFraction, 4)),"
                + "\"latency_ms\":{\"median\":\(number(score.latencyMedianMs)),\"p99\":\(number(score.latencyP99Ms)),\"max\":\(number(score.latencyMaxMs))}}"
        }.joined(separator: ",")
        let others = otherIncidents.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\($0.value)" }.joined(separator: ",")
        return "{\"messages\":\(messages),\"unparsable\":\(unparsable),\"kinds\":{\(kindsJSON)},\"other_incidents\":{\(others)},"
            + "\"passed\":\(failures.isEmpty),\"failures\":[\(failures.map(jsonString).joined(separator: ","))]}"
    }
}

/// Scores a run's alerts against its ground truth (see ``MatchParameters`` for the matching rule).
///
/// **Latency** of a detected true event: from its event time to the moment the daemon told of it,
/// the `emitted_ts` of the first message that gave the earliest matched incident its kind, with
/// `emitted_ts` (wall clock) converted to event time by ``TimeMapping/eventTimeMs(emittedMs:lastTs:)``:
/// the message's own `last_ts` plus the wall-clock time the daemon took from the moment the frame
/// carrying `last_ts` was due to be sent until it emitted the message. In real time this is
/// `emitted_ts − event time`; in an accelerated run the detection delay (waiting, in event time,
/// until the target is clearly across) counts in event time and the daemon's processing delay in
/// wall time, so neither is scaled by the speed-up.
public enum Scorer {
    /// Scores `messages` (in order of arrival) against `truth`, for every kind ``GroundTruth/kinds``
    /// names and always for `border_crossing`; `mapping` converts `emitted_ts` (`nil`: real time,
    /// wall time is event time).
    public static func score(
        truth: GroundTruth, messages: [PartialAlertMessage], parameters: MatchParameters = MatchParameters(), mapping: TimeMapping? = nil,
        unparsable: Int = 0
    ) -> Score {
        let incidents = AlertIncident.group(messages)
        let kinds = Array(Set(truth.kinds + [TrueEvent.borderCrossing])).sorted()
        let scores = kinds.map { kind in
            score(kind: kind, truth: truth.events(ofKind: kind), incidents: incidents, parameters: parameters, mapping: mapping)
        }
        var others: [String: Int] = [:]
        for incident in incidents where !kinds.contains(where: incident.hasKind) {
            others[incident.kinds.last ?? "unknown", default: 0] += 1
        }
        return Score(kinds: scores, otherIncidents: others, messages: messages.count + unparsable, unparsable: unparsable)
    }

    /// Scores the incidents of one kind against that kind's true events.
    public static func score(
        kind: String, truth allTruth: [TrueEvent], incidents: [AlertIncident], parameters: MatchParameters, mapping: TimeMapping?
    ) -> KindScore {
        // Silent events take no part in matching: an incident about one is false.
        let truth = allTruth.filter { $0.expectation != .silent && !parameters.silentClasses.contains($0.objectClass) }
        let ofKind = incidents.filter { $0.hasKind(kind) }
        var matched = Array(repeating: [(incident: AlertIncident, first: PartialAlertMessage)](), count: truth.count)
        var falseIDs: [String] = []
        for incident in ofKind {
            guard let first = incident.firstMessage(ofKind: kind), let index = bestMatch(for: incident, first: first, in: truth, parameters)
            else {
                falseIDs.append(incident.id)
                continue
            }
            matched[index].append((incident, first))
        }
        var latencies: [Double] = []
        var missed: [TrueEvent] = []
        var mismatches: [CountMismatch] = []
        var duplicates = 0, expected = 0
        for (index, event) in truth.enumerated() {
            let candidates = matched[index]
            duplicates += max(candidates.count - 1, 0)
            guard event.expectation == .expected else { continue }
            expected += 1
            if candidates.isEmpty {
                missed.append(event)
                continue
            }
            if let wrong = candidates.first(where: { $0.incident.largestCount != event.count }) {
                mismatches.append(CountMismatch(event: event, incidentID: wrong.incident.id, reported: wrong.incident.largestCount))
            }
            let told = candidates.compactMap { candidate -> Int64? in
                guard let emitted = candidate.first.emittedTs else { return nil }
                return mapping.map { $0.eventTimeMs(emittedMs: emitted, lastTs: candidate.first.lastTs) } ?? emitted
            }.min()
            if let told { latencies.append(Double(told - event.eventTimeMs)) }
        }
        return KindScore(
            kind: kind, expected: expected, silent: allTruth.count - truth.count, hidden: truth.count - expected, incidents: ofKind.count,
            detected: expected - missed.count, missed: missed.count, duplicates: duplicates, falseAlerts: falseIDs.count,
            countErrors: mismatches.count, latenciesMs: latencies, missedEvents: missed, falseIncidentIDs: falseIDs,
            countMismatches: mismatches)
    }

    /// Whether `incident`, whose first message of the kind is `first`, matches `event`.
    public static func matches(_ incident: AlertIncident, first: PartialAlertMessage, _ event: TrueEvent, _ parameters: MatchParameters) -> Bool {
        guard event.direction == nil || first.direction == event.direction, first.objectClass == event.objectClass.rawValue,
            let position = first.position, position.distance(to: event.position) <= parameters.matchDistanceM,
            let window = incident.window
        else { return false }
        let slack = Int64((parameters.matchTimeS * 1000).rounded())
        return window.lowerBound - slack <= event.eventTimeMs && event.eventTimeMs <= window.upperBound + slack
    }

    private static func bestMatch(for incident: AlertIncident, first: PartialAlertMessage, in truth: [TrueEvent], _ parameters: MatchParameters) -> Int? {
        let reference = first.lastTs ?? first.firstTs ?? 0
        return truth.indices.filter { matches(incident, first: first, truth[$0], parameters) }.min { a, b in
            let expectedA = truth[a].expectation == .expected, expectedB = truth[b].expectation == .expected
            if expectedA != expectedB { return expectedA }
            let gapA = abs(truth[a].eventTimeMs - reference), gapB = abs(truth[b].eventTimeMs - reference)
            if gapA != gapB { return gapA < gapB }
            guard let position = first.position else { return a < b }
            return position.distance(to: truth[a].position) < position.distance(to: truth[b].position)
        }
    }
}

/// Pass/fail limits on a ``Score``; `nil` means no limit.
public struct ScoreThresholds: Sendable, Equatable {
    /// Least fraction (0...1) of each kind's true events that must be detected.
    public var minDetected: Double?
    /// Most duplicates, all kinds together.
    public var maxDuplicates: Int?
    /// Most false alerts, all kinds together.
    public var maxFalse: Int?
    /// Greatest 99th-percentile latency, ms, of each kind.
    public var maxLatencyMs: Double?
    /// Most count errors (detected events whose incident reported another `count`), all kinds together.
    public var maxCountErrors: Int?

    /// Creates thresholds.
    public init(minDetected: Double? = nil, maxDuplicates: Int? = nil, maxFalse: Int? = nil, maxLatencyMs: Double? = nil, maxCountErrors: Int? = nil) {
        self.minDetected = minDetected
        self.maxDuplicates = maxDuplicates
        self.maxFalse = maxFalse
        self.maxLatencyMs = maxLatencyMs
        self.maxCountErrors = maxCountErrors
    }

    /// Whether any limit is set.
    public var isEmpty: Bool { minDetected == nil && maxDuplicates == nil && maxFalse == nil && maxLatencyMs == nil && maxCountErrors == nil }

    /// The limits `score` does not meet, one line each; empty when it meets them all.
    public func failures(of score: Score) -> [String] {
        var failures: [String] = []
        for kind in score.kinds {
            if let minDetected, kind.detectedFraction < minDetected {
                failures.append(
                    "\(kind.kind): detected \(kind.detected) of \(kind.expected) (\(Format.fixed(kind.detectedFraction, 3))), below --min-detected \(minDetected)")
            }
            if let maxLatencyMs, let p99 = kind.latencyP99Ms, p99 > maxLatencyMs {
                failures.append("\(kind.kind): latency p99 \(Format.fixed(p99, 0)) ms, over --max-latency-ms \(Format.fixed(maxLatencyMs, 0))")
            }
        }
        let duplicates = score.kinds.reduce(0) { $0 + $1.duplicates }
        if let maxDuplicates, duplicates > maxDuplicates { failures.append("\(duplicates) duplicates, over --max-duplicates \(maxDuplicates)") }
        let falseAlerts = score.kinds.reduce(0) { $0 + $1.falseAlerts }
        if let maxFalse, falseAlerts > maxFalse { failures.append("\(falseAlerts) false alerts, over --max-false \(maxFalse)") }
        let countErrors = score.kinds.reduce(0) { $0 + $1.countErrors }
        if let maxCountErrors, countErrors > maxCountErrors {
            failures.append("\(countErrors) count errors, over --max-count-errors \(maxCountErrors)")
        }
        return failures
    }
}

extension TimeMapping {
    /// The event time, Unix ms, at which a message emitted at wall-clock `emittedMs` told its
    /// news: its `lastTs` (the event time of the latest detection it reflects) plus the wall time
    /// from the moment the frame carrying `lastTs` was due to be sent until `emittedMs`.
    ///
    /// In real time this is `emittedMs`. In an accelerated run event time runs `speed` times
    /// faster than the wall clock and starts in the past, so `emittedMs` itself is not comparable
    /// with event times; this keeps the daemon's processing delay at its true wall-clock length.
    /// Without `lastTs` (or for load runs, not paced by scenario time) the wall-clock moment is
    /// mapped as a whole: `epochMs + (emittedMs − wallStartMs) · speed`.
    public func eventTimeMs(emittedMs: Int64, lastTs: Int64?) -> Int64 {
        guard speed.isFinite else { return emittedMs - wallStartMs + epochMs }
        guard let lastTs else { return epochMs + Int64((Double(emittedMs - wallStartMs) * speed).rounded()) }
        let due = dueWallMs(at: Double(lastTs - epochMs) / 1000)
        return lastTs + Int64((Double(emittedMs) - due).rounded())
    }
}

/// `text` as a JSON string literal.
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\t": out += "\\t"
        case "\r": out += "\\r"
        default:
            if scalar.value < 0x20 {
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
    }
    return out + "\""
}

extension String {
    fileprivate func padding(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
    fileprivate func leftPadding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
