// Helpers of the end-to-end tests: run the tunebench binary, read the store with SQL.
#pragma once
#include <signal.h>
#include <unistd.h>

#include <boost/process.hpp>
#include <chrono>
#include <filesystem>
#include <functional>
#include <fstream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "harness/common/files.h"
#include "harness/store/sqlite.h"
#include "tests/test_util.h"

namespace tb::testing {

namespace fs = std::filesystem;

struct CliResult {
  int exit_code;
  std::string out, err;
};

inline CliResult tunebench(const std::vector<std::string>& args, const fs::path& scratch) {
  const fs::path out = scratch / "stdout.txt", err = scratch / "stderr.txt";
  fs::remove(out);  // redirection writes over an existing file without truncating it
  fs::remove(err);
  const int rc = boost::process::system(boost::process::exe = TUNEBENCH_BINARY, boost::process::args = args, boost::process::std_out > out.string(),
                            boost::process::std_err > err.string());
  return {rc, read_file(out), read_file(err)};
}

// Runs tunebench as a user whom file permissions bind: this process's user, or "nobody"
// when that is root (root reads and writes whatever the permissions say). nullopt when
// root cannot switch users (no setpriv). The binaries are copied into `scratch` first: the
// build folder may sit in a checkout only its owner can enter.
inline std::optional<CliResult> tunebench_unprivileged(const std::vector<std::string>& args,
                                                       const fs::path& scratch) {
  if (::geteuid() != 0) return tunebench(args, scratch);
  const fs::path setpriv = "/usr/bin/setpriv";
  if (!fs::exists(setpriv)) return std::nullopt;
  const fs::path bin = scratch / "unprivileged-bin", binary = fs::path(TUNEBENCH_BINARY);
  fs::create_directories(bin);
  fs::permissions(bin, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                           fs::perms::others_read | fs::perms::others_exec);
  for (const fs::path& f : {binary, binary.parent_path() / "tunebench-torch"}) {
    fs::copy_file(f, bin / f.filename(), fs::copy_options::overwrite_existing);
  }
  std::vector<std::string> all = {"--reuid=65534", "--regid=65534", "--clear-groups",
                                  (bin / binary.filename()).string()};
  all.insert(all.end(), args.begin(), args.end());
  const fs::path out = scratch / "stdout.txt", err = scratch / "stderr.txt";
  fs::remove(out);
  fs::remove(err);
  const int rc = boost::process::system(
      boost::process::exe = setpriv.string(), boost::process::args = all,
      boost::process::std_out > out.string(), boost::process::std_err > err.string());
  return CliResult{rc, read_file(out), read_file(err)};
}

inline int64_t sql_int(const fs::path& db_path, const std::string& sql) {
  Database db(db_path);
  Statement s(db.handle(), sql);
  return s.step() ? s.column_int(0) : -1;
}

inline std::string sql_text(const fs::path& db_path, const std::string& sql) {
  Database db(db_path);
  Statement s(db.handle(), sql);
  return s.step() ? s.column_text(0) : "";
}

inline std::vector<std::string> sql_column(const fs::path& db_path, const std::string& sql) {
  Database db(db_path);
  Statement s(db.handle(), sql);
  std::vector<std::string> values;
  while (s.step()) values.push_back(s.column_text(0));
  return values;
}

// A coordinator (`tunebench run SPEC --out OUT ...`) running in the background.
struct Coordinator {
  Coordinator(const fs::path& spec, const fs::path& out, const fs::path& scratch, std::vector<std::string> extra = {})
      : stderr_file(scratch / ("coordinator-" + std::to_string(counter++) + ".err")) {
    std::vector<std::string> args = {"run", spec.string(), "--out", out.string()};
    args.insert(args.end(), extra.begin(), extra.end());
    child = boost::process::child(boost::process::exe = TUNEBENCH_BINARY, boost::process::args = args,
                                  boost::process::std_out > boost::process::null,
                                  boost::process::std_err > stderr_file.string());
  }
  int wait() {
    child.wait();
    return child.exit_code();
  }
  std::string err() const { return read_file(stderr_file); }
  fs::path stderr_file;
  boost::process::child child;
  static inline int counter = 0;
};

// Polls until `ready()` holds (up to `seconds`).
inline bool wait_until(const std::function<bool()>& ready, int poll_ms = 20, int seconds = 60) {
  for (int i = 0; i < seconds * 1000 / poll_ms; ++i) {
    try {
      if (ready()) return true;
    } catch (const std::exception&) {  // the store may be mid-creation
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
  }
  return false;
}

// Each run's logged training metrics and evaluations, keyed by run, as one text: equal
// texts mean equal numbers (timings excluded).
inline std::string results_of(const fs::path& db) {
  Database handle(db);
  Statement s(handle.handle(),
              "SELECT run_key || ' ' || name || ' ' || step || ' ' || printf('%.17g', value) FROM metrics "
              "WHERE name IN ('train_loss', 'lr') UNION ALL "
              "SELECT run_key || ' ' || suite || ' ' || model || ' ' || metric || ' ' || printf('%.17g', value) "
              "FROM evals ORDER BY 1");
  std::string out;
  while (s.step()) out += s.column_text(0) + "\n";
  return out;
}

// Waits until the store in `out` has its one run running in a local worker and `file` exists
// in that run's folder, then kills the worker with SIGKILL. Returns the run's key, "" when
// that did not happen within a minute.
inline std::string kill_worker_once_file_exists(const fs::path& out, const std::string& file) {
  const fs::path db = out / "tunebench.sqlite";
  int64_t worker = -1;
  std::string key;
  const bool ready = wait_until([&] {
    key = sql_text(db, "SELECT key FROM runs");
    worker = sql_int(db, "SELECT CAST(substr(job, 7) AS INTEGER) FROM runs WHERE status = 'running' AND job LIKE 'local:%'");
    return worker > 0 && fs::exists(out / "runs" / key / file);
  }, 5);
  return ready && ::kill(pid_t(worker), SIGKILL) == 0 ? key : "";
}

// A new store folder `out` that shares `reference`'s cached base models.
inline void share_base_models(const fs::path& reference, const fs::path& out) {
  fs::create_directories(out);
  fs::copy(reference / "models", out / "models", fs::copy_options::recursive);
}

// Polls the store until a run matching `where` is running; returns its worker's pid, or -1.
inline int64_t wait_for_running_worker(const fs::path& db, const std::string& where) {
  for (int i = 0; i < 600; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    if (!fs::exists(db)) continue;
    try {
      const int64_t pid = sql_int(db, "SELECT CAST(substr(job, 7) AS INTEGER) FROM runs WHERE status = 'running' "
                                      "AND job LIKE 'local:%'" + where);
      if (pid > 0) return pid;
    } catch (const std::exception&) {  // the store may be mid-creation
    }
  }
  return -1;
}

// The tiny spec (test_util.h's small_spec) with one seed, one thread per worker, and the
// given methods (a JSON list).
inline nlohmann::json one_seed_spec(const std::string& methods) {
  nlohmann::json doc = small_spec();
  doc["seeds"] = {0};
  doc["methods"] = nlohmann::json::parse(methods);
  doc["execution"] = {{"threads", 1}};
  return doc;
}

inline fs::path write_spec(const fs::path& dir, const nlohmann::json& spec) {
  const fs::path file = dir / "spec.json";
  std::ofstream(file) << spec.dump(2);
  return file;
}

}  // namespace tb::testing
