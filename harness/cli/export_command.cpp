#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/report/stored_table_formats.h"
#include "harness/store/store.h"

namespace tb::cli {

namespace {
const char* kHelp = R"(usage: tunebench export [TABLE] [--format csv|jsonl] [--to FILE] [--sweep NAME] [--out DIR]
                       [--method NAME ...]

Writes one table of a sweep for pandas and spreadsheets: every row joined with its run's
key, method, variant and seed. pandas: pd.read_csv(FILE) or pd.read_json(FILE, lines=True).

  TABLE           runs (default; one row per run: status, costs, environment, config),
                  params, evals (aggregates), items (per-item scores), metrics (per step),
                  spectra, attempts, step_evals (evaluations during training, by step)
  --format F      csv (default) or jsonl (one JSON object per line)
  --to FILE       write here (atomically) instead of standard output
  --sweep NAME    which sweep (default: the most recent one)
  --out DIR       output folder of the sweep (default: results)
  --method NAME   only these methods (a method name or a variant label); repeatable
)";
}  // namespace

int export_command(const Args& given) {
  Args args = given;
  if (take_switch(args, "--help") || take_switch(args, "-h")) {
    std::cout << kHelp;
    return 0;
  }
  std::string out = "results", format = "csv", to;
  RunFilter filter;
  take_flag(args, "--out", out);
  take_flag(args, "--sweep", filter.sweep);
  take_flag(args, "--format", format);
  take_flag(args, "--to", to);
  filter.methods = take_repeated_flag(args, "--method");
  reject_unknown_flags(args, "export");
  std::string table = "runs";
  if (!args.empty()) {
    table = args[0];
    args.erase(args.begin());
  }
  if (!args.empty()) throw UserError("unexpected argument \"" + args[0] + "\" (see tunebench export --help)");
  if (std::find(kExportTables.begin(), kExportTables.end(), table) == kExportTables.end()) {
    std::string known;
    for (const auto& t : kExportTables) known += (known.empty() ? "" : ", ") + t;
    throw UserError("no table named \"" + table + "\"; tables: " + known);
  }
  if (format != "csv" && format != "jsonl") throw UserError("--format " + format + ": expected csv or jsonl");
  const auto store = open_existing_store(out);
  filter.sweep = store->resolve_sweep(filter.sweep);
  const StoredTable rows = store->export_table(table, filter);
  if (rows.rows.empty()) {
    throw UserError("no " + table + " rows in sweep " + filter.sweep +
                    (filter.methods.empty() ? "" : " for --method " + nlohmann::json(filter.methods).dump()));
  }
  const std::string text = format == "csv" ? stored_table_csv(rows) : stored_table_jsonl(rows);
  if (to.empty()) {
    std::cout << text;
  } else {
    write_file_atomically(to, text);
    std::cerr << "wrote " << rows.rows.size() << " rows to " << to << "\n";
  }
  return 0;
}

}  // namespace tb::cli
