// rmsnorm, softmax, silu and rope against the numpy references of the fixture script.
import XCTest
@testable import AutoDeco

final class KernelFloatTests: XCTestCase {
    private func assertClose(_ got: [Float], _ ref: [Double], rel: Double, abs absTol: Double, _ what: String) {
        XCTAssertEqual(got.count, ref.count, what)
        var worst = 0.0
        for (g, r) in zip(got, ref) {
            let err = Swift.abs(Double(g) - r)
            XCTAssertLessThanOrEqual(err, rel * Swift.abs(r) + absTol, what)
            worst = max(worst, err)
        }
        XCTAssertFalse(worst.isNaN, what)
    }

    func testRMSNorm() throws {
        let fx = try XCTUnwrap(KernelFixtures.shared)
        let x = fx.floats("rms_x"), w = fx.floats("rms_w")
        var out = [Float](repeating: 0, count: x.count)
        rmsNorm(&out, x, weight: w, count: x.count, eps: fx.rmsEps)
        assertClose(out, fx.doubles("rms_out"), rel: 1e-6, abs: 1e-7, "rmsnorm")
        // In place gives the same result.
        var inPlace = x
        inPlace.withUnsafeMutableBufferPointer { p in rmsNorm(p.baseAddress!, p.baseAddress!, weight: w, count: x.count, eps: fx.rmsEps) }
        XCTAssertEqual(inPlace, out)
    }

    func testSoftmax() throws {
        let fx = try XCTUnwrap(KernelFixtures.shared)
        var x = fx.floats("softmax_x")
        softmax(&x, count: x.count)
        assertClose(x, fx.doubles("softmax_out"), rel: 1e-5, abs: 1e-12, "softmax")
        XCTAssertEqual(x.reduce(0, +), 1, accuracy: 1e-5)
        var masked: [Float] = [-.infinity, -.infinity]
        softmax(&masked, count: 2)
        XCTAssertEqual(masked, [0.5, 0.5])
    }

    func testSilu() throws {
        let fx = try XCTUnwrap(KernelFixtures.shared)
        var x = fx.floats("silu_x")
        silu(&x, count: x.count)
        assertClose(x, fx.doubles("silu_out"), rel: 1e-6, abs: 1e-7, "silu")
    }

    func testRope() throws {
        let fx = try XCTUnwrap(KernelFixtures.shared)
        XCTAssertEqual(fx.ropes.count, 3)
        for case let r in fx.ropes {
            let name = try XCTUnwrap(r["name"] as? String)
            let style: RopeStyle = (r["style"] as? String) == "neox" ? .neox : .interleaved
            let heads = try XCTUnwrap(r["heads"] as? Int), headDim = try XCTUnwrap(r["headDim"] as? Int)
            let pos = try XCTUnwrap(r["position"] as? Int), base = try XCTUnwrap(r["base"] as? Double)
            var x = fx.floats(name + "_x")
            rope(&x, heads: heads, headDim: headDim, position: pos, freqBase: Float(base), style: style)
            // Angles are identical float32 values; only cos/sin rounding differs (≤ 1 ulp).
            assertClose(x, fx.doubles(name + "_out"), rel: 1e-5, abs: 1e-5, name)
        }
    }

    func testRopePositionZeroIsIdentity() {
        var x: [Float] = (0..<128).map { Float($0) }
        let before = x
        rope(&x, heads: 2, headDim: 64, position: 0, freqBase: 10000, style: .neox)
        XCTAssertEqual(x, before)
    }
}
