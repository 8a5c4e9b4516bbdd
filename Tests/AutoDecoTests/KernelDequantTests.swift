// Dequantisation must match gguf-py bit for bit, for every type and every kernel level.
import XCTest
@testable import AutoDeco

final class KernelDequantTests: XCTestCase {
    func testDequantizeBitExactEveryType() throws {
        let fx = try XCTUnwrap(KernelFixtures.shared, "fixtures missing: run scripts/fixtures/make_kernel_fixtures.py")
        XCTAssertEqual(fx.types.count, 13)
        try forEachKernelLevel { level in
            for name in fx.types {
                let type = try XCTUnwrap(ggmlType(named: name))
                XCTAssertTrue(canDequantize(type))
                let raw = fx.bytes("\(name)_raw"), expected = fx.floats("\(name)_deq")
                let rowBytes = try XCTUnwrap(type.rowBytes(fx.cols))
                XCTAssertEqual(raw.count, rowBytes * fx.rows, name)
                var out = [Float](repeating: .nan, count: fx.rows * fx.cols)
                raw.withUnsafeBytes { src in
                    out.withUnsafeMutableBufferPointer { dst in
                        for r in 0..<fx.rows {
                            dequantizeRow(type, src.baseAddress! + r * rowBytes, dst.baseAddress! + r * fx.cols, count: fx.cols)
                        }
                    }
                }
                let mismatches = zip(out, expected).filter { $0.bitPattern != $1.bitPattern }.count
                XCTAssertEqual(mismatches, 0, "\(name) at level \(level)")
            }
        }
    }

    func testHalfConversionExhaustive() {
        // Every half bit pattern against Swift's Float16 (exact); NaNs only need to stay NaN.
        var bits = [UInt16](0...UInt16.max)
        var floats = [Float](repeating: 0, count: bits.count)
        forEachKernelLevel { level in
            Half.toFloat(&bits, &floats, count: bits.count)
            var bad = 0
            for (i, h) in bits.enumerated() {
                let ref = Float(Float16(bitPattern: h))
                if ref.isNaN ? !floats[i].isNaN : ref.bitPattern != floats[i].bitPattern { bad += 1 }
                if !ref.isNaN && Half.toFloat(h).bitPattern != ref.bitPattern { bad += 1 }
            }
            XCTAssertEqual(bad, 0, "f16 -> f32 at \(level)")
            // Round trip of every finite half, and rounding of in-between values to nearest even.
            var back = [UInt16](repeating: 0, count: bits.count)
            Half.fromFloat(floats, &back, count: floats.count)
            var badBack = 0
            for i in 0..<bits.count where !floats[i].isNaN && back[i] != bits[i] { badBack += 1 }
            XCTAssertEqual(badBack, 0, "f32 -> f16 round trip at \(level)")
            var rng = SystemRandomNumberGenerator()
            for _ in 0..<20_000 {
                let f = Float(bitPattern: UInt32.random(in: 0...UInt32.max, using: &rng))
                guard !f.isNaN else { continue }
                XCTAssertEqual(Half.fromFloat(f), Float16(f).bitPattern, "\(f)")
            }
        }
    }
}
