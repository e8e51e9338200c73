import Testing
import VigilConfig

@Suite struct ConfigErrorTests {
    @Test func namesFileKeyAndExpectation() {
        let error = ConfigError(file: "Config/vigild.yaml", key: "ingest.bind[1]", "expected an endpoint")
        #expect(error.description == "Config/vigild.yaml: ingest.bind[1]: expected an endpoint")
    }
}
