#include <iostream>

#include "harness/cli/commands.h"
#include "harness/common/check.h"
#include "harness/exec/worker.h"

namespace tb::cli {

int worker_command(const Args& args) {
  if (args.size() == 1 && (args[0] == "--help" || args[0] == "-h")) {
    std::cout << "usage: tunebench worker DIR\n\nExecutes DIR/job.json (written by `tunebench run`) in this process.\n"
                 "Used by the run coordinator; also lets a run folder be executed on another host.\n";
    return 0;
  }
  if (args.size() != 1) throw UserError("worker needs exactly one run folder");
  return run_worker(args[0]);
}

}  // namespace tb::cli
