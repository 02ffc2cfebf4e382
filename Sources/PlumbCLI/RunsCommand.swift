import ArgumentParser
import Foundation
import Reports
import Runs

/// `plumb runs`: what the store holds.
struct RunsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runs",
    abstract: "List, show and export stored runs.",
    subcommands: [List.self, Show.self, Export.self])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List runs, newest first.")
    @OptionGroup var store: StoreOptions

    func run() throws {
      let runs = try store.open().runs()
      if runs.isEmpty {
        Terminal.note("no runs in \(store.path)")
        return
      }
      print(["RUN", "GENERATOR", "SUITE", "SAMPLES", "FAILED", "STATE"].joined(separator: "\t"))
      for run in runs {
        let state = run.finishedAt != nil ? "finished" : run.done < run.planned ? "incomplete" : "open"
        print([run.id, run.generator, run.suite ?? "-", "\(run.done)/\(run.planned)", "\(run.failed)", state].joined(separator: "\t"))
      }
    }
  }

  struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show one run's samples and headline measurements.")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The run's id.") var id: String

    func run() throws {
      let run = try store.run(id, in: try store.open())
      print("run \(run.id) · generator \(run.generator) · \(run.samples.count) samples · \(run.tally)")
      for sample in run.samples {
        let measurements = sample.results.flatMap { result in
          result.measurements.compactMap { m in
            m.value.map { "\(result.analyzer).\(m.name)=\(String(format: "%.4g", $0)) \(m.unit)" }
          }
        }
        let detail = sample.failure ?? measurements.joined(separator: "  ")
        print("\(sample.scenarioID)\tseed \(sample.seed)\t\(sample.status.rawValue)\t\(detail)")
      }
    }
  }

  struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export a run as JSON, JSONL (a line per sample) or CSV (a row per measurement).")
    @OptionGroup var store: StoreOptions
    @Argument(help: "The run's id.") var id: String
    @Option(help: "json, jsonl or csv.") var format: String = "json"
    @Option(name: .shortAndLong, help: "File to write; standard output when absent.") var output: String?

    func validate() throws {
      guard RunExport.Format(rawValue: format) != nil else {
        throw ValidationError("--format must be json, jsonl or csv, got '\(format)'")
      }
    }

    func run() throws {
      let run = try store.run(id, in: try store.open())
      let data = try RunExport.data(run, as: RunExport.Format(rawValue: format)!)
      if let output {
        try data.write(to: URL(fileURLWithPath: output), options: .atomic)
        Terminal.note("wrote \(output)")
      } else {
        FileHandle.standardOutput.write(data)
      }
    }
  }
}
