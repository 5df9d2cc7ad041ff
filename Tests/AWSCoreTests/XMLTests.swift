import AWSCore
import Testing
import TestSupport

@Suite(.tags(.unit))
struct XMLTests {
    @Test func parsesAnAWSQueryResponse() throws {
        let document = try XMLDocument.parse(
            """
            <?xml version="1.0"?>
            <PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
              <PublishResult><MessageId>94f20ce6-13c5</MessageId></PublishResult>
              <!-- comment -->
              <ResponseMetadata><RequestId>f187a3c1</RequestId></ResponseMetadata>
            </PublishResponse>
            """)
        #expect(document.name == "PublishResponse")
        #expect(document.attributes["xmlns"] == "http://sns.amazonaws.com/doc/2010-03-31/")
        #expect(document.child("PublishResult")?.childText("MessageId") == "94f20ce6-13c5")
        #expect(document.descendant("RequestId")?.text == "f187a3c1")
    }

    @Test func decodesEntitiesAndCDATA() throws {
        let document = try XMLDocument.parse("<a k='x &amp; y'>1 &lt; 2 &#x263A; &#65;<![CDATA[<raw & text>]]><b/></a>")
        #expect(document.text == "1 < 2 ☺ A<raw & text>")
        #expect(document.attributes["k"] == "x & y")
        #expect(document.children.map(\.name) == ["b"])
        #expect(XMLDocument.escape("<a & 'b'>") == "&lt;a &amp; &apos;b&apos;&gt;")
    }

    @Test(arguments: ["", "<a>", "<a></b>", "<a>&bogus;</a>", "<!DOCTYPE x><a/>", "<a/><b/>", "<a x=1/>"])
    func rejectsMalformedDocuments(_ text: String) {
        #expect(throws: XMLParseError.self) { try XMLDocument.parse(text) }
    }
}
