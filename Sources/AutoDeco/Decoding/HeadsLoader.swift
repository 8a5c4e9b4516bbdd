#if canImport(Glibc)
import Glibc
#endif

/// Finding and loading AutoDeco heads on disk. A heads directory holds `*.safetensors`
/// (`model.safetensors` or `autodeco_heads.safetensors`) and an official-style `config.json`.
public enum HeadsLoader {
    /// Loads heads from a safetensors file or a directory of them, checked against `hiddenSize`.
    public static func load(path: String, hiddenSize: Int) throws -> AutoDecoHeads {
        var files: [String] = []
        if isDirectory(path) {
            files = listDirectory(path).filter { $0.hasSuffix(".safetensors") }.sorted().map { path + "/" + $0 }
            guard !files.isEmpty else { throw HeadsError.notFound("directory '\(path)' has no .safetensors file") }
        } else {
            guard access(path, R_OK) == 0 else { throw HeadsError.notFound("cannot read '\(path)'") }
            files = [path]
        }
        // Merge all files (a sharded or full checkpoint may spread the heads over several).
        var merged = SafeTensors(tensors: [])
        var meanT: Float?, meanP: Float?
        for f in files {
            let st = try SafeTensors(path: f)
            for (k, v) in st.metadata {
                if k == AutoDecoHeads.meanTemperatureKey, let x = Float(v), x > 0, x <= 100 { meanT = x }
                if k == AutoDecoHeads.meanTopPKey, let x = Float(v), x > 0, x <= 1 { meanP = x }
            }
            for name in st.order {
                guard let t = st.tensors[name], name.contains("temp_head") || name.contains("top_p_head") else { continue }
                merged.tensors[name] = t
                merged.order.append(name)
            }
        }
        var heads = try AutoDecoHeads(safetensors: merged, hiddenSize: hiddenSize)
        heads.source = path
        heads.meanTemperature = meanT
        heads.meanTopP = meanP
        return heads
    }

    /// The conventional heads directory for a model file: `dir/NAME.autodeco/` beside
    /// `dir/NAME.gguf`, if it exists.
    public static func defaultDirectory(forModel modelPath: String) -> String? {
        var base = modelPath
        if base.hasSuffix(".gguf") { base.removeLast(5) }
        let candidate = base + ".autodeco"
        return isDirectory(candidate) ? candidate : nil
    }

    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    static func listDirectory(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }
}
