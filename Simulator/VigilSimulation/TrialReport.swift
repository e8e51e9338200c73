import VigilCore

/// Pass/fail limits on a trials run; `nil` means no limit.
public struct TrialThresholds: Sendable, Equatable {
    /// Most trials missed.
    public var maxMissed: Int?
    /// Least lower confidence bound of the probability of detection.
    public var minPdLowerBound: Double?
    /// Least share of detected trials with the right direction.
    public var minDirectionAccuracy: Double?
    /// Least share of detected trials with the right `count`.
    public var minCountAccuracy: Double?
    /// Most duplicate incidents.
    public var maxDuplicates: Int?
    /// Most false alerts (trials' and strays).
    public var maxFalse: Int?

    /// Creates thresholds.
    public init(
        maxMissed: Int? = nil, minPdLowerBound: Double? = nil, minDirectionAccuracy: Double? = nil, minCountAccuracy: Double? = nil,
        maxDuplicates: Int? = nil, maxFalse: Int? = nil
    ) {
        self.maxMissed = maxMissed
        self.minPdLowerBound = minPdLowerBound
        self.minDirectionAccuracy = minDirectionAccuracy
        self.minCountAccuracy = minCountAccuracy
        self.maxDuplicates = maxDuplicates
        self.maxFalse = maxFalse
    }
}

/// The figures of a trials run: the probability of detection with its exact lower confidence
/// bound, direction and count accuracy, latency, and every miss with the command that replays
/// it alone.
public struct TrialsReport: Sendable {
    /// The run's seed.
    public var runSeed: UInt64
    /// Each trial's outcome, in index order.
    public var outcomes: [TrialOutcome]
    /// Incidents no trial claims, by kind.
    public var strays: [String: Int]
    /// Camera health incidents (`camera_offline`, `coverage_gap`), by kind: none are expected.
    public var health: [String: Int]
    /// Confidence of the bound (0.95).
    public var confidence: Double
    /// The run's speed-up.
    public var speed: Double
    /// Run time, seconds of scenario time.
    public var runS: Double
    /// What was sent, and how long it took.
    public var run: TrialRunResult?
    /// Alert messages received, and how many could not be parsed.
    public var messages: Int
    /// Alert payloads that were not alert messages.
    public var unparsable: Int
    /// The limits not met, one line each.
    public var failures: [String] = []

    /// Creates a report.
    public init(
        runSeed: UInt64, outcomes: [TrialOutcome], strays: [String: Int], health: [String: Int], confidence: Double = 0.95, speed: Double,
        runS: Double, run: TrialRunResult?, messages: Int, unparsable: Int
    ) {
        self.runSeed = runSeed
        self.outcomes = outcomes
        self.strays = strays
        self.health = health
        self.confidence = confidence
        self.speed = speed
        self.runS = runS
        self.run = run
        self.messages = messages
        self.unparsable = unparsable
    }

    /// Trials whose crossing the truth expects to be raised.
    public var scored: [TrialOutcome] { outcomes.filter(\.scored) }
    /// Scored trials detected.
    public var detected: [TrialOutcome] { scored.filter(\.detected) }
    /// Scored trials missed.
    public var misses: [TrialOutcome] { scored.filter { !$0.detected } }
    /// Detected trials whose incident named the wrong direction (or none).
    public var wrongDirection: [TrialOutcome] { detected.filter { !$0.directionRight } }
    /// Detected trials whose incident reported another count.
    public var wrongCount: [TrialOutcome] { detected.filter { !$0.countRight } }
    /// The probability of detection, detected over scored (1 when nothing was scored).
    public var pd: Double { scored.isEmpty ? 1 : Double(detected.count) / Double(scored.count) }
    /// Its one-sided lower confidence bound (Clopper-Pearson).
    public var pdLowerBound: Double {
        TrialStatistics.clopperPearsonLower(successes: detected.count, trials: scored.count, confidence: confidence)
    }
    /// Detected trials with the right direction, over detected (1 when none was detected).
    public var directionAccuracy: Double { ratio(detected.count - wrongDirection.count, detected.count) }
    /// Detected groups with the right count, over detected groups.
    public var groupCountAccuracy: Double {
        let groups = detected.filter { $0.spec.members > 1 }
        return ratio(groups.filter(\.countRight).count, groups.count)
    }
    /// Detected singles with `count` 1, over detected singles.
    public var singleCountAccuracy: Double {
        let singles = detected.filter { $0.spec.members == 1 }
        return ratio(singles.filter(\.countRight).count, singles.count)
    }
    /// Detected trials with the right count, over detected.
    public var countAccuracy: Double { ratio(detected.count - wrongCount.count, detected.count) }
    /// The latencies of the detected trials, ms.
    public var latencies: [Double] { detected.compactMap(\.latencyMs) }
    /// The daemon's own delays, ms (trials without clock skew or reordering).
    public var processing: [Double] { detected.compactMap(\.processingMs) }
    /// Trials with a duplicate incident (any kind).
    public var withDuplicates: [TrialOutcome] { outcomes.filter { $0.duplicates > 0 } }
    /// Trials with a false alert (an incident near them that matches nothing true of them).
    public var withFalseAlerts: [TrialOutcome] { outcomes.filter { $0.falseAlerts > 0 } }
    /// Duplicates, all trials and kinds.
    public var duplicates: Int { outcomes.reduce(0) { $0 + $1.duplicates } }
    /// False alerts: the trials' and the strays.
    public var falseAlerts: Int { outcomes.reduce(0) { $0 + $1.falseAlerts } + strays.values.reduce(0, +) }

    private func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 1 : Double(a) / Double(b) }

    /// The other kinds' totals over the trials: expected, detected, missed (hidden and silent
    /// events apart).
    public var otherKinds: [(kind: String, expected: Int, detected: Int, missed: Int, duplicates: Int, falseAlerts: Int)] {
        var totals: [String: (Int, Int, Int, Int, Int)] = [:]
        for outcome in outcomes {
            for score in outcome.kinds where score.kind != TrueEvent.borderCrossing {
                var total = totals[score.kind] ?? (0, 0, 0, 0, 0)
                total.0 += score.expected
                total.1 += score.detected
                total.2 += score.missed
                total.3 += score.duplicates
                total.4 += score.falseAlerts
                totals[score.kind] = total
            }
        }
        return totals.sorted { $0.key < $1.key }.map { ($0.key, $0.value.0, $0.value.1, $0.value.2, $0.value.3, $0.value.4) }
    }

    /// Sets ``failures`` from `thresholds`.
    public mutating func check(_ thresholds: TrialThresholds) {
        var failures: [String] = []
        if let maxMissed = thresholds.maxMissed, misses.count > maxMissed {
            failures.append("\(misses.count) trials missed, over --max-missed \(maxMissed)")
        }
        if let bound = thresholds.minPdLowerBound, pdLowerBound < bound {
            failures.append(
                "Pd lower bound \(Format.fixed(pdLowerBound, 4)) (\(detected.count) of \(scored.count)), below --min-pd-lower-bound \(bound)")
        }
        if let least = thresholds.minDirectionAccuracy, directionAccuracy < least {
            failures.append("direction accuracy \(Format.fixed(directionAccuracy, 4)), below --min-direction-accuracy \(least)")
        }
        if let least = thresholds.minCountAccuracy, countAccuracy < least {
            failures.append("count accuracy \(Format.fixed(countAccuracy, 4)), below --min-count-accuracy \(least)")
        }
        if let most = thresholds.maxDuplicates, duplicates > most { failures.append("\(duplicates) duplicates, over --max-duplicates \(most)") }
        if let most = thresholds.maxFalse, falseAlerts > most { failures.append("\(falseAlerts) false alerts, over --max-false \(most)") }
        self.failures = failures
    }

    // MARK: Classes

    /// The dimensions trials are drawn along, and each trial's value of them.
    static let dimensions: [(name: String, value: @Sendable (TrialSpec) -> String)] = [
        ("mode", { $0.mode.rawValue }),
        ("group", { $0.members == 1 ? "single" : "group" }),
        ("angle", { $0.angle.rawValue }),
        ("placement", { $0.placement.rawValue }),
        ("terrain", { $0.terrain.rawValue }),
        ("light", { $0.light.rawValue }),
        ("fault", { $0.fault.rawValue }),
        ("direction", { $0.direction }),
    ]

    /// For each dimension, each value's scored trials, detections and latency median.
    public var classes: [(dimension: String, values: [(value: String, trials: Int, detected: Int, latencyMedianMs: Double?)])] {
        Self.dimensions.map { dimension in
            var order: [String] = []
            var groups: [String: [TrialOutcome]] = [:]
            for outcome in scored {
                let value = dimension.value(outcome.spec)
                if groups[value] == nil { order.append(value) }
                groups[value, default: []].append(outcome)
            }
            order.sort()
            return (
                dimension.name,
                order.map { value in
                    let group = groups[value] ?? []
                    return (
                        value, group.count, group.filter(\.detected).count,
                        TrialStatistics.percentile(group.filter(\.detected).compactMap(\.latencyMs), 0.5)
                    )
                }
            )
        }
    }

    // MARK: Output

    /// The summary for people.
    public var text: String {
        func ms(_ value: Double?) -> String { value.map { Format.fixed($0, 0) } ?? "-" }
        func ms2(_ value: Double?) -> String { value.map { Format.fixed($0, 1) } ?? "-" }
        func pct(_ value: Double) -> String { Format.fixed(value * 100, 1) + " %" }
        var lines: [String] = []
        let groups = detected.filter { $0.spec.members > 1 }, singles = detected.filter { $0.spec.members == 1 }
        lines.append(
            "trials: \(outcomes.count) (seed \(runSeed)), \(scored.count) scored; \(Format.fixed(runS, 0)) s of run time at ×\(Format.fixed(speed, 0))"
                + (run.map { " in \(Format.fixed($0.seconds, 1)) s, \($0.sent) messages" } ?? ""))
        lines.append(
            "detection: \(detected.count) of \(scored.count), Pd \(Format.fixed(pd, 4)), lower bound \(Format.fixed(pdLowerBound, 4)) at \(Format.fixed(confidence * 100, 0)) % confidence (one-sided, Clopper-Pearson)"
        )
        lines.append("missed: \(misses.count)")
        lines.append("direction: \(detected.count - wrongDirection.count) of \(detected.count) right (\(pct(directionAccuracy)))")
        lines.append(
            "count: groups \(groups.filter(\.countRight).count) of \(groups.count) right (\(pct(groupCountAccuracy))), singles \(singles.filter(\.countRight).count) of \(singles.count) (\(pct(singleCountAccuracy)))"
        )
        lines.append(
            "latency from the true crossing to the alert: median \(ms(TrialStatistics.percentile(latencies, 0.5))) ms, p99 \(ms(TrialStatistics.percentile(latencies, 0.99))) ms, max \(ms(latencies.max())) ms"
        )
        let byMode = TrialMode.allCases.map { mode in
            let values = detected.filter { $0.spec.mode == mode }.compactMap(\.latencyMs)
            return "\(mode.rawValue) \(ms(TrialStatistics.percentile(values, 0.5)))/\(ms(TrialStatistics.percentile(values, 0.99)))"
        }
        lines.append("  by mode (median/p99 ms): " + byMode.joined(separator: ", "))
        lines.append(
            "  the daemon's own part, from the frame that told it to emitted_ts (\(processing.count) trials without clock skew or reordering): median \(ms2(TrialStatistics.percentile(processing, 0.5))) ms, p99 \(ms2(TrialStatistics.percentile(processing, 0.99))) ms, max \(ms2(processing.max())) ms"
        )
        lines.append("duplicates: \(duplicates), false alerts: \(falseAlerts)" + (strays.isEmpty ? "" : " (strays: \(Self.counts(strays)))"))
        if !health.isEmpty { lines.append("camera health incidents (none expected): \(Self.counts(health))") }
        for other in otherKinds where other.expected + other.duplicates + other.falseAlerts > 0 {
            lines.append(
                "  \(other.kind): \(other.detected) of \(other.expected) expected detected, \(other.duplicates) duplicates, \(other.falseAlerts) false")
        }
        lines.append("classes (scored trials, detected, latency median ms):")
        for dimension in classes {
            lines.append(
                "  \(dimension.dimension): "
                    + dimension.values.map { "\($0.value) \($0.detected)/\($0.trials) (\(ms($0.latencyMedianMs)))" }.joined(separator: ", "))
        }
        if let run, run.lagPauses > 0 {
            lines.append(
                "sender: fell behind its pace \(run.lagPauses) times (worst \(Format.fixed(run.maxLagMs, 0)) ms) and paused the run; a busy machine: latencies may include it"
            )
        }
        if let run, run.backlogPauses > 0 {
            lines.append(
                "daemon: its backlog went over the limit \(run.backlogPauses) times; the run waited \(Format.fixed(run.backlogWaitS, 1)) s for it in all (lower --speed for a steadier pace)"
            )
        }
        if let run, run.flowControlLost { lines.append("daemon: its control endpoint stopped answering; the rest of the run was not held back") }
        for miss in misses { lines.append("MISSED \(miss.spec.summary), seed \(miss.spec.seed), local \(miss.localTime); replay: \(miss.spec.replay)") }
        for wrong in wrongDirection {
            lines.append(
                "WRONG DIRECTION \(wrong.spec.summary): said \(wrong.reportedDirection ?? "none"); replay: \(wrong.spec.replay)")
        }
        for wrong in wrongCount {
            lines.append(
                "WRONG COUNT \(wrong.spec.summary): count \(wrong.reportedCount.map { "\($0)" } ?? "none"), \(wrong.spec.members) true; replay: \(wrong.spec.replay)"
            )
        }
        func kindCounts(_ outcome: TrialOutcome, _ value: (KindScore) -> Int) -> String {
            outcome.kinds.filter { value($0) > 0 }.map { "\($0.kind) \(value($0))" }.joined(separator: ", ")
        }
        for outcome in withDuplicates {
            lines.append("DUPLICATES (\(kindCounts(outcome) { $0.duplicates })) \(outcome.spec.summary); replay: \(outcome.spec.replay)")
        }
        for outcome in withFalseAlerts {
            lines.append("FALSE ALERTS (\(kindCounts(outcome) { $0.falseAlerts })) \(outcome.spec.summary); replay: \(outcome.spec.replay)")
        }
        for outcome in outcomes where !outcome.scored { lines.append("NOT SCORED (the truth expects no crossing alert) \(outcome.spec.summary)") }
        if unparsable > 0 { lines.append("\(unparsable) of \(messages) alert messages could not be parsed") }
        for failure in failures { lines.append("threshold not met: \(failure)") }
        return lines.joined(separator: "\n")
    }

    private static func counts(_ values: [String: Int]) -> String {
        values.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
    }

    /// One JSON object with every figure, the misses and the failures.
    public var json: String {
        func number(_ value: Double?, _ decimals: Int = 1) -> String { value.map { Format.fixed($0, decimals) } ?? "null" }
        func trial(_ outcome: TrialOutcome) -> String {
            let spec = outcome.spec
            return "{\"index\":\(spec.index),\"seed\":\(spec.seed),\"replay\":\(jsonString(spec.replay)),\"summary\":\(jsonString(spec.summary)),"
                + "\"mode\":\(jsonString(spec.mode.rawValue)),\"members\":\(spec.members),\"km\":\(Format.fixed(spec.km, 3)),"
                + "\"direction\":\(jsonString(spec.direction)),\"reported_direction\":\(outcome.reportedDirection.map(jsonString) ?? "null"),"
                + "\"reported_count\":\(outcome.reportedCount.map { "\($0)" } ?? "null"),\"local_time\":\(jsonString(outcome.localTime)),"
                + "\"duplicates\":\(outcome.duplicates),\"false_alerts\":\(outcome.falseAlerts),"
                + "\"incidents\":[\(outcome.incidents.map(jsonString).joined(separator: ","))]}"
        }
        /// One trial in a few fields, for every trial.
        func result(_ outcome: TrialOutcome) -> String {
            let spec = outcome.spec
            return "{\"index\":\(spec.index),\"seed\":\(spec.seed),\"mode\":\(jsonString(spec.mode.rawValue)),\"members\":\(spec.members),"
                + "\"placement\":\(jsonString(spec.placement.rawValue)),\"terrain\":\(jsonString(spec.terrain.rawValue)),\"light\":\(jsonString(spec.light.rawValue)),"
                + "\"fault\":\(jsonString(spec.fault.rawValue)),\"scored\":\(outcome.scored),\"detected\":\(outcome.detected),"
                + "\"direction_right\":\(outcome.directionRight),\"count_right\":\(outcome.countRight),"
                + "\"latency_ms\":\(number(outcome.latencyMs)),\"processing_ms\":\(number(outcome.processingMs)),"
                + "\"duplicates\":\(outcome.duplicates),\"false_alerts\":\(outcome.falseAlerts)}"
        }
        let groups = detected.filter { $0.spec.members > 1 }, singles = detected.filter { $0.spec.members == 1 }
        let latency = latencies
        let byMode = TrialMode.allCases.map { mode in
            let values = detected.filter { $0.spec.mode == mode }.compactMap(\.latencyMs)
            return "\(jsonString(mode.rawValue)):{\"median\":\(number(TrialStatistics.percentile(values, 0.5))),\"p99\":\(number(TrialStatistics.percentile(values, 0.99)))}"
        }.joined(separator: ",")
        let classesJSON = classes.map { dimension in
            "\(jsonString(dimension.dimension)):{"
                + dimension.values.map {
                    "\(jsonString($0.value)):{\"trials\":\($0.trials),\"detected\":\($0.detected),\"latency_median_ms\":\(number($0.latencyMedianMs))}"
                }.joined(separator: ",") + "}"
        }.joined(separator: ",")
        let others = otherKinds.map {
            "\(jsonString($0.kind)):{\"expected\":\($0.expected),\"detected\":\($0.detected),\"missed\":\($0.missed),\"duplicates\":\($0.duplicates),\"false\":\($0.falseAlerts)}"
        }.joined(separator: ",")
        func object(_ values: [String: Int]) -> String {
            "{" + values.sorted { $0.key < $1.key }.map { "\(jsonString($0.key)):\($0.value)" }.joined(separator: ",") + "}"
        }
        var fields = [
            "\"seed\":\(runSeed)", "\"trials\":\(outcomes.count)", "\"scored\":\(scored.count)", "\"detected\":\(detected.count)",
            "\"missed\":\(misses.count)",
            "\"pd\":{\"estimate\":\(Format.fixed(pd, 6)),\"lower_bound\":\(Format.fixed(pdLowerBound, 6)),\"confidence\":\(Format.fixed(confidence, 4)),\"method\":\"Clopper-Pearson, one-sided\"}",
            "\"direction\":{\"right\":\(detected.count - wrongDirection.count),\"detected\":\(detected.count),\"accuracy\":\(Format.fixed(directionAccuracy, 6))}",
            "\"count\":{\"right\":\(detected.count - wrongCount.count),\"detected\":\(detected.count),\"accuracy\":\(Format.fixed(countAccuracy, 6)),"
                + "\"groups\":{\"right\":\(groups.filter(\.countRight).count),\"detected\":\(groups.count),\"accuracy\":\(Format.fixed(groupCountAccuracy, 6))},"
                + "\"singles\":{\"right\":\(singles.filter(\.countRight).count),\"detected\":\(singles.count),\"accuracy\":\(Format.fixed(singleCountAccuracy, 6))}}",
            "\"latency_ms\":{\"median\":\(number(TrialStatistics.percentile(latency, 0.5))),\"p99\":\(number(TrialStatistics.percentile(latency, 0.99))),\"max\":\(number(latency.max())),\"by_mode\":{\(byMode)},"
                + "\"processing\":{\"trials\":\(processing.count),\"median\":\(number(TrialStatistics.percentile(processing, 0.5))),\"p99\":\(number(TrialStatistics.percentile(processing, 0.99))),\"max\":\(number(processing.max()))}}",
            "\"duplicates\":\(duplicates)", "\"false_alerts\":\(falseAlerts)", "\"strays\":\(object(strays))", "\"health_incidents\":\(object(health))",
            "\"other_kinds\":{\(others)}", "\"classes\":{\(classesJSON)}",
            "\"misses\":[\(misses.map(trial).joined(separator: ","))]",
            "\"wrong_direction\":[\(wrongDirection.map(trial).joined(separator: ","))]",
            "\"wrong_count\":[\(wrongCount.map(trial).joined(separator: ","))]",
            "\"results\":[\(outcomes.map(result).joined(separator: ","))]",
            "\"duplicate_trials\":[\(withDuplicates.map(trial).joined(separator: ","))]",
            "\"false_alert_trials\":[\(withFalseAlerts.map(trial).joined(separator: ","))]",
            "\"not_scored\":[\(outcomes.filter { !$0.scored }.map(trial).joined(separator: ","))]",
            "\"messages\":\(messages)", "\"unparsable\":\(unparsable)",
            "\"run\":{\"speed\":\(Format.fixed(speed, 3)),\"run_s\":\(Format.fixed(runS, 1))"
                + (run.map {
                    ",\"seconds\":\(Format.fixed($0.seconds, 3)),\"sent\":\($0.sent),\"max_lag_ms\":\(Format.fixed($0.maxLagMs, 1)),\"lag_pauses\":\($0.lagPauses),"
                        + "\"backlog_pauses\":\($0.backlogPauses),\"backlog_wait_s\":\(Format.fixed($0.backlogWaitS, 3)),\"flow_control_lost\":\($0.flowControlLost)"
                } ?? "")
                + "}",
        ]
        fields.append("\"passed\":\(failures.isEmpty)")
        fields.append("\"failures\":[\(failures.map(jsonString).joined(separator: ","))]")
        return "{" + fields.joined(separator: ",") + "}"
    }
}
