#include <iostream>

#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/report/markdown_table.h"
#include "harness/store/store.h"

namespace tb::cli {

namespace {
const char* kHelp = R"(usage: tunebench report [--out DIR] [--sweep NAME]

Prints a markdown table comparing the methods of a sweep: one row per method variant,
every evaluation metric as mean ± standard error over seeds, trainable parameters and
wall time, and the base model's row for reference.

  --out DIR     output folder of the sweep (default: results)
  --sweep NAME  which sweep (default: the most recent one)
)";
}  // namespace

int report_command(const Args& args) {
  StoreQuery query;
  if (!parse_store_query(args, "report", kHelp, query)) return 0;
  const auto store = open_existing_store(query.out);
  const SummaryTable table = summarize_sweep(*store, query.sweep);
  std::cout << "## " << table.sweep << "\n\n" << to_markdown(table);
  return 0;
}

}  // namespace tb::cli
