import Testing
import VigilCore

@Suite struct IdentifierTests {
    @Test(arguments: ["cam-rabia-03", "S07", "a", "A_b-9", String(repeating: "x", count: 64)])
    func accepts(_ id: String) { #expect(Identifier.isValid(id)) }

    @Test(arguments: ["", "cam rabia", "cam.rabia", "ké", String(repeating: "x", count: 65), "a/b"])
    func rejects(_ id: String) { #expect(!Identifier.isValid(id)) }
}
