#include <cstdio>
#include <iostream>

#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/common/terminal_text.h"
#include "harness/store/store.h"

namespace tb::cli {

namespace {
const char* kHelp = R"(usage: tunebench runs [--out DIR] [--sweep NAME]

Lists runs with their status (pending, running, done, failed, with how the last attempt
failed: failed, killed, crashed, timeout, oom, stale, interrupted), attempts, wall time
and the reason of the last failure. Safe to use while a sweep is running.

  --out DIR     output folder of the sweep (default: results)
  --sweep NAME  only the runs of the latest sweep with this name (default: all runs)
)";
}  // namespace

int runs_command(const Args& args) {
  StoreQuery query;
  if (!parse_store_query(args, "runs", kHelp, query)) return 0;
  const auto store = open_existing_store(query.out);
  // An unknown sweep is an error, as for the other commands, not an empty table.
  if (!query.sweep.empty()) store->resolve_sweep(query.sweep);
  const auto runs = store->runs(query.sweep);
  std::printf("%-16s  %-19s  %3s  %8s  %s\n", "key", "status", "try", "wall s", "run");
  for (const auto& r : runs) {
    const std::string status = r.failure_kind.empty() || r.status == "done" || r.status == "running"
                                   ? r.status
                                   : r.status + " (" + r.failure_kind + ")";
    std::printf("%-16s  %-19s  %3ld  %8s  %s seed=%ld%s\n", terminal_safe(r.key).c_str(),
                terminal_safe(status).c_str(), long(r.attempts),
                r.wall_seconds ? std::to_string(int64_t(*r.wall_seconds)).c_str() : "-",
                terminal_safe(r.variant).c_str(), long(r.seed),
                r.failure_reason.empty()
                    ? ""
                    : ("\n    reason: " + terminal_safe(r.failure_reason)).c_str());
  }
  return 0;
}

}  // namespace tb::cli
