extension ConfigFuzz {
    /// The configuration target's generated seeds: small settings, rules, zones and cameras
    /// files of each kind and shape the loaders read, and their near misses. The repository's
    /// own files (`Config/vigild.yaml`, `rules.yaml`, `cameras.geojson`, `zones.geojson`) are in
    /// the corpus too, as `file-*`, copied as they were.
    public static var seeds: [(name: String, bytes: [UInt8])] {
        let texts: [(String, String)] = [
            ("settings-small", "ingest:\n  bind: [\"tcp://127.0.0.1:7601\"]\n  batch_size: 64\npublish:\n  heartbeat_s: 0.5\nstate:\n  dir: \"\"\nsilences:\n  max_duration_h: 24\n"),
            ("settings-unknown-key", "ingest:\n  bind: tcp://127.0.0.1:7601\n  bnid: x\n"),
            ("settings-out-of-range", "ingest:\n  batch_size: 0\n  rcvhwm: 1e99\n  max_camera_rate: -1\n"),
            ("settings-anchors", "a: &x {bind: [&y tcp://127.0.0.1:1]}\ningest: *x\npublish: {bind: [*y]}\n"),
            ("settings-flow-and-tags", "{ingest: {bind: !!str tcp://127.0.0.1:7601, batch_size: !!int \"12\"}, pipeline: null}\n"),
            ("rules-small", "timezone: Asia/Baghdad\nschedules:\n  night: {days: [mon, tue], from: \"18:00\", to: \"06:00\"}\nrules:\n  - name: crossing\n    event: cross\n    zone_kind: border\n    classes: [person, vehicle]\n    alert: {kind: border_crossing, severity: critical}\n"),
            ("rules-bad", "rules:\n  - name: x\n    event: loiter\n    zone: no-such-zone\n    after_s: -1\n"),
            ("zones-small", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"strip","name":"Strip","kind":"restricted","inertia":2},"geometry":{"type":"Polygon","coordinates":[[[40.9,34.4],[41.0,34.4],[41.0,34.5],[40.9,34.5],[40.9,34.4]]]}},{"type":"Feature","properties":{"id":"line","name":"Line","kind":"border","left":"IQ","right":"SY"},"geometry":{"type":"LineString","coordinates":[[40.9,34.4],[41.0,34.6]]}},{"type":"Feature","properties":{"id":"disc","name":"Disc","kind":"approach","radius_m":250},"geometry":{"type":"Point","coordinates":[40.95,34.45]}}]}"#),
            ("zones-hostile", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"x","kind":"restricted"},"geometry":{"type":"MultiPolygon","coordinates":[[[[0,0],[180,0],[180,90],[0,0]],[[1,1],[1,1],[1,1]]]]}},{"type":"Feature","properties":{"id":"x","kind":"band","band_m":1e308,"side":"left"},"geometry":{"type":"LineString","coordinates":[[-180,-90],[180,90]]}}]}"#),
            ("cameras-small", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"cam-a","sector":"S01","heading_deg":90,"fov_deg":60,"range_m":1500},"geometry":{"type":"Point","coordinates":[40.9,34.4]}},{"type":"Feature","id":"cam-b","properties":{"sector":"S01","heading_deg":360,"fov_deg":360,"range_m":50000},"geometry":{"type":"Point","coordinates":[-180,-90]}}]}"#),
            ("cameras-bad", #"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"id":"cam a","sector":"S01"},"geometry":{"type":"LineString","coordinates":[]}}]}"#),
        ]
        return texts.map { (name: $0.0, bytes: Array($0.1.utf8)) }
    }
}
