import XCTest
@testable import AutoDeco
final class VersionTests: XCTestCase {
    func testVersionNumber() { XCTAssertEqual(AutoDecoVersion.number, 100) }
}
