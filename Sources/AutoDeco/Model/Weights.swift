/// A weight matrix inside the mapped GGUF: `rows` rows of `cols` elements, each row stored
/// contiguously in `type`'s block format. `y = W·x` maps cols → rows.
public struct WeightMatrix: @unchecked Sendable {
    public let name: String
    public let data: UnsafeRawPointer
    public let type: GGMLType
    public let rows: Int
    public let cols: Int
    public var rowBytes: Int { (cols / type.blockSize) * type.blockBytes }

    /// Pointer to row `r` (0 ≤ r < rows, checked by callers).
    @inline(__always) public func row(_ r: Int) -> UnsafeRawPointer { data + r * rowBytes }
}

/// One transformer block's weights (llama2.c's per-layer slices).
struct LayerWeights {
    let attnNorm: [Float]        // [dim]
    let wq: WeightMatrix         // [dim → dim]
    let wk: WeightMatrix         // [dim → kvDim]
    let wv: WeightMatrix         // [dim → kvDim]
    let wo: WeightMatrix         // [dim → dim]
    let bq: [Float]?             // [dim]   (qwen2)
    let bk: [Float]?             // [kvDim] (qwen2)
    let bv: [Float]?             // [kvDim] (qwen2)
    let ffnNorm: [Float]         // [dim]
    let gate: WeightMatrix       // [dim → ffnDim]
    let up: WeightMatrix         // [dim → ffnDim]
    let down: WeightMatrix       // [ffnDim → dim]
}

/// All weights of a decoder-only transformer, found by their GGUF names and checked against
/// the hyper-parameters (a wrong shape is an error here, never an out-of-bounds read later).
struct Weights {
    let tokenEmbedding: WeightMatrix   // [dim] per token: vocab rows of dim
    let layers: [LayerWeights]
    let outputNorm: [Float]            // [dim]
    let output: WeightMatrix           // [dim → vocab]; the embedding itself when tied

    static let computableTypes: Set<GGMLType> = [.f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0,
                                                 .q4_K, .q5_K, .q6_K]

    init(file: GGUFFile, config c: ModelConfig) throws {
        func matrix(_ name: String, rows: Int, cols: Int) throws -> WeightMatrix {
            guard let t = file.tensor(named: name) else { throw ModelError.missingTensor(name) }
            guard t.dims.count == 2, t.dims[0] == cols, t.dims[1] == rows else {
                throw ModelError.wrongTensorShape(name: name, expected: [cols, rows], found: t.dims)
            }
            guard Weights.computableTypes.contains(t.type) else {
                throw ModelError.unsupportedTensorType(name: name, type: t.type.name)
            }
            return WeightMatrix(name: name, data: file.data(of: t), type: t.type, rows: rows, cols: cols)
        }
        func vector(_ name: String, _ n: Int, optional: Bool = false) throws -> [Float]? {
            guard let t = file.tensor(named: name) else {
                if optional { return nil }
                throw ModelError.missingTensor(name)
            }
            guard t.elementCount == n, t.dims[0] == n else {
                throw ModelError.wrongTensorShape(name: name, expected: [n], found: t.dims)
            }
            guard t.type == .f32 || t.type == .f16 || t.type == .bf16 else {
                throw ModelError.unsupportedTensorType(name: name, type: t.type.name)
            }
            var out = [Float](repeating: 0, count: n)
            out.withUnsafeMutableBufferPointer { buf in
                if let dst = buf.baseAddress { dequantizeRow(t.type, file.data(of: t), dst, count: n) }
            }
            return out
        }
        func required(_ name: String, _ n: Int) throws -> [Float] {
            guard let v = try vector(name, n) else { throw ModelError.missingTensor(name) }
            return v
        }

        let kvDim = c.kvHeadCount * c.headDim
        tokenEmbedding = try matrix("token_embd.weight", rows: c.vocabSize, cols: c.dim)
        var layers: [LayerWeights] = []
        for l in 0..<c.layerCount {
            let p = "blk.\(l)."
            layers.append(LayerWeights(
                attnNorm: try required(p + "attn_norm.weight", c.dim),
                wq: try matrix(p + "attn_q.weight", rows: c.dim, cols: c.dim),
                wk: try matrix(p + "attn_k.weight", rows: kvDim, cols: c.dim),
                wv: try matrix(p + "attn_v.weight", rows: kvDim, cols: c.dim),
                wo: try matrix(p + "attn_output.weight", rows: c.dim, cols: c.dim),
                bq: try vector(p + "attn_q.bias", c.dim, optional: true),
                bk: try vector(p + "attn_k.bias", kvDim, optional: true),
                bv: try vector(p + "attn_v.bias", kvDim, optional: true),
                ffnNorm: try required(p + "ffn_norm.weight", c.dim),
                gate: try matrix(p + "ffn_gate.weight", rows: c.ffnDim, cols: c.dim),
                up: try matrix(p + "ffn_up.weight", rows: c.ffnDim, cols: c.dim),
                down: try matrix(p + "ffn_down.weight", rows: c.dim, cols: c.ffnDim)))
        }
        self.layers = layers
        outputNorm = try required("output_norm.weight", c.dim)
        if file.tensor(named: "output.weight") != nil {
            output = try matrix("output.weight", rows: c.vocabSize, cols: c.dim)
        } else {
            output = tokenEmbedding
        }
    }
}
