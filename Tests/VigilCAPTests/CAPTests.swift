import Testing
@testable import VigilCAP

@Suite struct CAPTests {
    @Test func namespaceIsCAP12() {
        #expect(CAP.namespace == "urn:oasis:names:tc:emergency:cap:1.2")
    }
}
