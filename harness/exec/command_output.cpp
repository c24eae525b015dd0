#include "harness/exec/command_output.h"

#include <boost/process.hpp>
#include <iterator>

namespace tb {

CommandOutput run_command(const std::string& program, const std::vector<std::string>& args) {
  namespace bp = boost::process;
  CommandOutput out;
  try {
    const auto exe = bp::search_path(program);
    if (exe.empty()) {
      out.text = program + ": not found on PATH";
      return out;
    }
    bp::ipstream pipe;
    bp::child child(exe, bp::args = args, (bp::std_out & bp::std_err) > pipe, bp::std_in < bp::null);
    out.text.assign(std::istreambuf_iterator<char>(pipe), std::istreambuf_iterator<char>());
    child.wait();
    out.exit_code = child.exit_code();
  } catch (const std::exception& e) {
    out.text = program + ": " + e.what();
  }
  return out;
}

}  // namespace tb
