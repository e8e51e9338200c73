// swift-tools-version:6.0
// Vigil: a streaming alert processor for border surveillance.
// Module map and what each module owns: see README.md.
import PackageDescription

let package = Package(
    name: "Vigil",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "vigild", targets: ["vigild"]),
        .executable(name: "vigil", targets: ["vigil"]),
        .executable(name: "vigil-sim", targets: ["vigil-sim"]),
        .executable(name: "vigil-bench", targets: ["vigil-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // vigild's HTTP server: metrics, health, the operations console.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // HDR histograms of latency: the benchmarks, and vigil-sim's load runs.
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        // etcd's v3 HTTP/JSON gateway, for the election of the cluster's active node.
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        // libzmq as SwiftPM sees it: the C header plus a shim for what Swift cannot import.
        // Debian's libzmq3-dev puts zmq.h in /usr/include and libzmq.so on the linker's path.
        // No `pkgConfig:` here: Debian's libzmq.pc adds `-isystem /usr/include/mit-krb5`, which
        // SwiftPM refuses with a warning on every build, and nothing else from it is needed.
        .systemLibrary(name: "CZeroMQ", path: "Sources/CZeroMQ", providers: [.apt(["libzmq3-dev"])]),
        // The only module that touches the libzmq C API.
        .target(name: "ZeroMQ", dependencies: ["CZeroMQ"]),
        // SQLite as SwiftPM sees it (Debian's libsqlite3-dev). The journal uses the C API directly:
        // it is six prepared statements on the alert path, where a wrapper (GRDB, whose Linux
        // support is unofficial) would add a dependency and per-row overhead and nothing else.
        .systemLibrary(name: "CSQLite", path: "Sources/CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        // The alert journal: every alert message, and the daemon's state, in SQLite.
        .target(name: "VigilJournal", dependencies: ["CSQLite"]),
        // The wire's types, shared by the daemon and every client: the alert message (encoding,
        // strict and lenient decoding), heartbeat, catch-up request and page, silence, the stats
        // reply, Severity, ObjectClass, GeoPoint. No Foundation: VigilCore is built on it.
        .target(name: "VigilWire"),
        // The domain: frame reports, geometry, zones, tracking, incidents, alerts. No I/O.
        .target(name: "VigilCore", dependencies: ["VigilWire"]),
        // Configuration files (YAML, GeoJSON) read and validated into VigilCore values.
        .target(
            name: "VigilConfig",
            dependencies: ["VigilCore", .product(name: "Yams", package: "Yams")]
        ),
        // Captures (what a detection socket received, `vigil record`) and their replay through the
        // engine (`vigil replay`, `vigil rules test`). No ZeroMQ, no SQLite.
        .target(name: "VigilCapture", dependencies: ["VigilCore", "VigilConfig", "VigilWire"]),
        // The daemon's Dispatch pipeline: ingest, processing, publishing, control; one
        // ServiceLifecycle service.
        .target(
            name: "VigilPipeline",
            dependencies: [
                "VigilCore", "VigilConfig", "VigilJournal", "VigilCluster", "ZeroMQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The cluster: the election of the active node on etcd, the fence that stops it
        // publishing before its lease can expire, and journal replication to standbys
        // (docs/failover.md).
        .target(
            name: "VigilCluster",
            dependencies: [
                "ZeroMQ", "VigilJournal", .product(name: "AsyncHTTPClient", package: "async-http-client"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // vigild's HTTP server: Prometheus metrics, health checks, the operations console.
        .target(
            name: "VigilHTTP",
            dependencies: [
                "VigilPipeline", "VigilConfig", "VigilWire", "VigilJournal",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The console's page, script and style, embedded in vigild (PackageResources): nothing to install beside it.
            resources: [.embedInCode("Console/index.html"), .embedInCode("Console/console.js"), .embedInCode("Console/console.css")]
        ),
        .executableTarget(
            name: "vigild",
            dependencies: [
                "VigilPipeline", "VigilConfig", "VigilWire", "VigilHTTP", "VigilCluster", "VigilJournal", "ZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The consumer's side of the alert stream: the catch-up endpoint's client and the resuming
        // tail (every alert exactly once across restarts). No VigilPipeline, no SQLite, no swift-log.
        .target(name: "VigilClient", dependencies: ["VigilWire", "ZeroMQ"]),
        // CAP 1.2 (OASIS Common Alerting Protocol) messages from alert messages, for systems outside ours.
        .target(name: "VigilCAP", dependencies: ["VigilWire"]),
        .executableTarget(
            name: "vigil",
            dependencies: [
                "VigilCore", "VigilConfig", "VigilCAP", "VigilWire", "VigilClient", "VigilCapture", "VigilCluster", "VigilJournal", "ZeroMQ",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        // The simulator: scenarios on the real border, cameras, noise, load (and its latency).
        .target(
            name: "VigilSimulation",
            dependencies: [
                "VigilCore", "VigilConfig", "ZeroMQ", .product(name: "Yams", package: "Yams"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Simulator/VigilSimulation"
        ),
        .executableTarget(
            name: "vigil-sim",
            dependencies: [
                "VigilSimulation", "VigilConfig", "ZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Simulator/vigil-sim"
        ),
        // Throughput benchmark: vigild against a zero-work ZeroMQ forwarder, side by side.
        .executableTarget(
            name: "vigil-bench",
            dependencies: [
                "VigilCore", "VigilConfig", "VigilJournal", "VigilCapture", "ZeroMQ",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Benchmarks/vigil-bench"
        ),
        // The fuzz harnesses: the engine (byte strings decoded into frame reports and clock steps,
        // driven through validation, the engine and the silences) and the decoders (frame reports,
        // catch-up and control requests, captures, configuration files). The libFuzzer entry
        // points, Fuzz/<target>/main.swift, are built only by scripts/fuzz.sh.
        .target(
            name: "VigilFuzz", dependencies: ["VigilCore", "VigilConfig", "VigilCapture", "VigilWire"],
            path: "Fuzz/VigilFuzz"),
        // The example alert messages the wire's and CAP's tests share.
        .target(name: "VigilWireFixtures", path: "Tests/VigilWireFixtures"),
        .testTarget(name: "VigilWireTests", dependencies: ["VigilWire", "VigilWireFixtures"]),
        .testTarget(name: "VigilCoreTests", dependencies: ["VigilCore"], exclude: ["Fixtures"]),
        .testTarget(name: "VigilConfigTests", dependencies: ["VigilConfig", "VigilCore"]),
        .testTarget(name: "ZeroMQTests", dependencies: ["ZeroMQ"]),
        .testTarget(name: "VigilCAPTests", dependencies: ["VigilCAP", "VigilWire", "VigilWireFixtures"]),
        .testTarget(name: "VigilJournalTests", dependencies: ["VigilJournal"]),
        .testTarget(name: "VigilClusterTests", dependencies: ["VigilCluster", "VigilJournal", "ZeroMQ"]),
        .testTarget(name: "VigilClientTests", dependencies: ["VigilClient", "VigilWire", "ZeroMQ"]),
        .testTarget(name: "VigilCaptureTests", dependencies: ["VigilCapture", "VigilConfig", "VigilCore"]),
        .testTarget(
            name: "VigilPipelineTests",
            dependencies: [
                "VigilPipeline", "VigilCore", "VigilConfig", "VigilJournal", "ZeroMQ",
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(name: "VigilSimulationTests", dependencies: ["VigilSimulation", "VigilCore", "VigilConfig"]),
        // Starts the built executables as real processes on loopback.
        .testTarget(name: "VigilProcessTests", dependencies: ["ZeroMQ"]),
        // Every file of every fuzz corpus (Fuzz/corpus/<target>), run as a regression test.
        .testTarget(name: "VigilFuzzTests", dependencies: ["VigilFuzz"]),
    ],
    swiftLanguageModes: [.v6]
)
