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

    /// Loads heads from `path` for a model of identity `model`: refused with a message naming
    /// both models when the checkpoint's config.json records another model.
    public static func load(path: String, for model: HeadsIdentity) throws -> AutoDecoHeads {
        if isDirectory(path), let trained = HeadsIdentity.read(directory: path), let why = trained.mismatch(with: model) {
            throw HeadsError.wrongModel("\(path): \(why), and this model is \(model)")
        }
        return try load(path: path, hiddenSize: model.hiddenSize)
    }

    /// The conventional heads directory for a model file: `dir/NAME.autodeco/` beside
    /// `dir/NAME.gguf`, if it exists.
    public static func defaultDirectory(forModel modelPath: String) -> String? {
        var base = modelPath
        if base.hasSuffix(".gguf") { base.removeLast(5) }
        let candidate = base + ".autodeco"
        return isDirectory(candidate) ? candidate : nil
    }

    /// The variable that lists extra heads locations (colon-separated).
    public static let searchPathVariable = "AUTODECO_HEADS_PATH"

    /// Finds the heads for the model at `modelPath` whose identity is `model`, looking in order:
    /// 1. each entry of `$AUTODECO_HEADS_PATH`: a heads directory, or a directory of them;
    /// 2. `NAME.autodeco/` beside `NAME.gguf` (whatever it records must fit: a mismatch is an error);
    /// 3. the installed heads: `share/autodeco/heads/` and `heads/` above the directory of the
    ///    library (or program) this code runs in, which covers `cmake --install` prefixes, the
    ///    Python package and a source checkout built with `scripts/build`.
    /// The first place holding fitting heads wins; only heads whose config.json records a fitting
    /// model are taken from 1 and 3, and within one directory of several the one whose recorded
    /// GGUF name equals the model's is preferred.
    public static func discover(forModel modelPath: String, identity model: HeadsIdentity) throws -> String? {
        /// The heads `dir` holds for the model: itself if it is a heads directory, else the best of its `*.autodeco/`.
        func pick(in dir: String) -> String? {
            guard isDirectory(dir) else { return nil }
            let candidates: [(path: String, trained: HeadsIdentity?)] = HeadsIdentity.read(directory: dir).map { [(dir, $0)] }
                ?? listDirectory(dir).sorted().filter { $0.hasSuffix(".autodeco") }
                    .map { (dir + "/" + $0, HeadsIdentity.read(directory: dir + "/" + $0)) }
            let fitting = candidates.compactMap { c -> (String, Bool)? in
                guard let trained = c.trained, trained.mismatch(with: model) == nil else { return nil }
                return (c.path, trained.modelName != nil && trained.modelName == model.modelName)
            }
            return (fitting.first(where: { $0.1 }) ?? fitting.first)?.0
        }
        if let list = getenv(searchPathVariable).map({ String(cString: $0) }) {
            for entry in list.split(separator: ":") where !entry.isEmpty {
                if let found = pick(in: String(entry)) { return found }
            }
        }
        if let beside = defaultDirectory(forModel: modelPath) {
            if let trained = HeadsIdentity.read(directory: beside), let why = trained.mismatch(with: model) {
                throw HeadsError.wrongModel("\(beside): \(why), and this model is \(model)")
            }
            return beside  // fits, or records no identity (checked by its tensor shapes when loaded)
        }
        for dir in installedDirectories() {
            if let found = pick(in: dir) { return found }
        }
        return nil
    }

    /// `A/share/autodeco/heads` and `A/heads` for the directory holding this code's image and
    /// its ancestors, nearest first (four levels: `.build/<triple>/release/` to the checkout).
    static func installedDirectories() -> [String] {
        guard let image = imagePath(), let real = realpath(image, nil) else { return [] }
        defer { free(real) }
        var dir = String(cString: real)
        var out: [String] = []
        for _ in 0..<4 {
            guard let slash = dir.lastIndex(of: "/"), slash != dir.startIndex else { break }
            dir = String(dir[..<slash])
            out.append(dir + "/share/autodeco/heads")
            out.append(dir + "/heads")
        }
        return out
    }

    /// The file this code was loaded from (libautodeco.so, or a program linking it statically):
    /// the mapping of /proc/self/maps that holds this image's header.
    static func imagePath() -> String? {
        let address = UInt(bitPattern: #dsohandle)
        guard let bytes = readSmallFile("/proc/self/maps", limit: 16 << 20) else { return nil }
        for line in String(decoding: bytes, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, let dash = fields[0].firstIndex(of: "-"),
                  let lo = UInt(fields[0][..<dash], radix: 16),
                  let hi = UInt(fields[0][fields[0].index(after: dash)...], radix: 16),
                  lo <= address, address < hi else { continue }
            let path = String(fields[5].drop(while: { $0 == " " }))
            return path.hasPrefix("/") ? path : nil
        }
        return nil
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
