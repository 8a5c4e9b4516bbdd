import ArgumentParser
import AutoDeco
import Foundation

/// `train-heads --metrics`: one JSON object per line — one per optimizer step, then one with
/// the validation scores — written as training goes, so a run can be followed or plotted.
final class TrainingMetrics {
    private let handle: FileHandle

    init(path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: nil) else {
            throw ValidationError("cannot write metrics file \(path)")
        }
        handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
    }

    deinit { try? handle.close() }

    /// `gradient_norm` is before clipping; `positions_per_second` is the average since training began.
    func step(_ step: Int, epoch: Int, learningRate: Float, loss: BatchLoss, withControl: Bool,
              withRejected: Bool = false, positionsPerSecond: Double) throws {
        var fields: [(String, JSON)] = [
            ("step", .number(Double(step))),
            ("epoch", .number(Double(epoch))),
            ("lr", .number(Double(learningRate))),
            ("loss", .number(loss.total)),
            ("temperature_loss", .number(loss.temperatureLoss)),
            ("top_p_loss", .number(loss.topPLoss)),
        ]
        if withControl { fields.append(("control_loss", .number(loss.controlLoss))) }
        if withRejected { fields.append(("rejected_loss", .number(loss.rejectedLoss))) }
        fields += [
            ("mean_temperature", .number(loss.meanTemperature)),
            ("mean_top_p", .number(loss.meanTopP)),
            ("gradient_norm", .number(loss.gradientNorm)),
            ("positions_per_second", .number(positionsPerSecond)),
        ]
        try write(fields)
    }

    /// One validation check during training: the soft top-p objective on the validation split,
    /// the ranking loss on the held-out control prompts, their weighted sum and whether it is the best so far.
    func checkpoint(_ step: Int, objective: Double, controlLoss: Double?, score: Double, best: Bool) throws {
        var fields: [(String, JSON)] = [("checkpoint", .bool(true)), ("step", .number(Double(step))),
                                        ("objective", .number(objective))]
        if let controlLoss { fields.append(("control_loss", .number(controlLoss))) }
        fields += [("score", .number(score)), ("best", .bool(best))]
        try write(fields)
    }

    /// The trained heads' held-out scores (objective = the soft top-p training objective).
    func validation(_ r: EvaluationReport, afterStep step: Int) throws {
        var fields: [(String, JSON)] = [
            ("validation", .bool(true)),
            ("step", .number(Double(step))),
            ("positions", .number(Double(r.positions))),
            ("unit_objective", .number(r.unit.objective)),
            ("best_static_objective", .number(r.bestGrid.objective)),
        ]
        if let e = r.perToken {
            fields += [("objective", .number(e.objective)), ("nll", .number(e.plain))]
        }
        if let t = r.headsMeanTemperature, let p = r.headsMeanTopP {
            fields += [("mean_temperature", .number(t)), ("mean_top_p", .number(p))]
        }
        try write(fields)
    }

    private func write(_ fields: [(String, JSON)]) throws {
        try handle.write(contentsOf: Data((JSON.object(fields).serialized + "\n").utf8))
    }
}
