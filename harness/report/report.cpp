#include "harness/report/report.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "harness/common/check.h"
#include "harness/common/files.h"
#include "harness/common/strings.h"
#include "harness/report/continual_report.h"
#include "harness/report/report_html.h"
#include "harness/report/report_markdown.h"
#include "harness/report/table_formats.h"
#include "harness/store/store.h"

namespace fs = std::filesystem;

namespace tb {
namespace {

std::string number(double v, const char* format) {
  char buf[64];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
  return buf;
}

// Per variant, over one matrix set for every variant (compared_spectra.h): intruder
// dimensions summed over the set, the mean effective rank of ΔW and the mean power-law
// exponent α of the tuned matrices, each averaged over runs.
TextTable spectral_summary(Store& store, const RunFilter& filter, SpectralMatrices which) {
  const ComparedSpectra compared = compare_spectra(store.run_spectra(filter), which);
  TextTable t{"Spectral summary over " + compared.description(),
              {"method", "runs", "intruder dimensions (total)", "effective rank of ΔW (mean)", "α of W (mean)"},
              {}};
  for (const auto& variant : compared.variants) {
    const auto& runs = compared.runs.at(variant);
    auto mean_over_runs = [&](const std::string& metric, bool total) -> std::string {
      double sum = 0;
      int n = 0;
      for (const auto& [run, matrices] : runs) {
        double run_sum = 0;
        int run_n = 0;
        for (const auto& [matrix, metrics] : matrices) {
          const auto it = metrics.find(metric);
          if (it == metrics.end()) continue;
          run_sum += it->second;
          ++run_n;
        }
        if (run_n == 0) continue;
        sum += total ? run_sum : run_sum / run_n;
        ++n;
      }
      return n == 0 ? "—" : number(sum / n, total ? "%.1f" : "%.2f");
    };
    t.rows.push_back({variant, std::to_string(runs.size()), mean_over_runs("intruders", true),
                      mean_over_runs("update_erank", false), mean_over_runs("alpha", false)});
  }
  return t;
}

// For a joint fit's record: which parameters its groups share and the F test's p-value.
std::string joint_fit_test_text(const nlohmann::json& record) {
  if (!record.contains("joint")) return "";
  const auto& joint = record.at("joint");
  const std::string shared = joined(joint.at("shared").get<std::vector<std::string>>());
  std::string out = "; " + shared + " shared by the " + std::to_string(joint.at("groups").size()) + " groups";
  if (joint.contains("p_value"))
    out += ", F test of shared against separate: p = " + number(joint.at("p_value").get<double>(), "%.2g");
  return out;
}

std::vector<TextTable> fit_parameter_tables(Store& store, const std::string& sweep) {
  std::vector<TextTable> out;
  for (const FitRecord& f : store.fits()) {
    if (!fit_of_sweep(f, sweep)) continue;
    const auto record = nlohmann::json::parse(f.result_json, nullptr, false);
    if (!record.is_object() || !record.contains("fit")) continue;
    const auto& fit = record.at("fit");
    TextTable t{"fit " + std::to_string(f.id) + ": " + fit.value("formula", f.law) + " (" + f.source + ", " +
                    std::to_string(f.points) + " points, log RMSE " + number(fit.value("log_rmse", 0.0), "%.3g") +
                    joint_fit_test_text(record) + ")",
                {"parameter", "value", "95% interval", "bootstrap SE"},
                {}};
    for (const auto& p : fit.at("parameters")) {
      const bool has_ci = p.contains("ci_low");
      t.rows.push_back({p.at("name").get<std::string>(), number(p.at("value").get<double>(), "%.4g"),
                        has_ci ? "[" + number(p.at("ci_low").get<double>(), "%.4g") + ", " +
                                     number(p.at("ci_high").get<double>(), "%.4g") + "]"
                               : (p.value("identified", true) ? "— (no bootstrap)" : "— (not identified)"),
                        p.contains("stderr") ? number(p.at("stderr").get<double>(), "%.3g") : "—"});
    }
    out.push_back(t);
  }
  return out;
}

const std::vector<std::string> kReportFiles = {"index.html", "report.md", "methods.csv",
                                               "methods.tex"};

// Why the report may not replace what is at `target` ("" when it may). Only a folder
// tunebench wrote is replaced: marked with kReportMarker and holding nothing but report
// files, or (written before the marker existed) holding exactly the four report files.
std::string why_not_replaceable(const fs::path& target) {
  const auto status = fs::symlink_status(target);
  if (status.type() == fs::file_type::not_found) return "";
  if (fs::is_symlink(status)) return "is a symbolic link";
  if (!fs::is_directory(status)) return "is a file, not a report folder";
  std::set<std::string> names;
  for (const auto& entry : fs::directory_iterator(target)) {
    const std::string name = entry.path().filename().string();
    const bool ours =
        name == kReportMarker || std::count(kReportFiles.begin(), kReportFiles.end(), name) > 0;
    if (!ours || !entry.is_regular_file() || entry.is_symlink()) {
      return "holds " + name + ", which tunebench does not write into a report folder";
    }
    names.insert(name);
  }
  if (names.count(kReportMarker) ||
      names == std::set<std::string>(kReportFiles.begin(), kReportFiles.end()))
    return "";
  return names.empty()
             ? "is a folder tunebench did not write (it is empty, but not marked " +
                   std::string(kReportMarker) + ")"
             : "is not marked as a tunebench report folder (" + std::string(kReportMarker) + ")";
}

}  // namespace

Report build_report(Store& store, const RunFilter& requested, SpectralMatrices spectral_matrices) {
  const auto snapshot = store.snapshot();  // one consistent view while a sweep writes
  Report r;
  RunFilter filter = requested;
  filter.sweep = store.resolve_sweep(requested.sweep);
  r.sweep = filter.sweep;
  r.methods_filter = filter.methods;
  r.generated_at = utc_now();
  const auto runs = store.runs(filter);
  if (runs.empty()) {
    throw UserError("no run of sweep " + r.sweep +
                    (filter.methods.empty() ? "" : " matches --method " + nlohmann::json(filter.methods).dump()) +
                    "; see `tunebench runs --sweep " + r.sweep + "`");
  }
  for (const RunRecord& run : runs) {
    if (run.status == "done") ++r.runs_done;
    else if (run.status == "failed") ++r.runs_failed, r.failed.push_back({run.key, run.variant, run.failure_kind, run.failure_reason, run.seed});
    else ++r.runs_other;
  }
  r.methods = method_table(store, filter);
  r.summary = summarize_sweep(store, filter);
  const TablesByStep by_step = method_tables_by_step(store, filter);
  r.pareto = pareto_charts(r.methods, by_step);
  r.curves = training_curve_charts(by_step);
  r.curve_tables = training_curve_tables(by_step);
  r.loss = loss_curve_charts(store, filter);
  r.heatmaps = slice_heatmaps(r.summary);
  r.spectral = spectral_charts(store, filter, spectral_matrices);
  r.spectral_summary = spectral_summary(store, filter, spectral_matrices);
  r.fits = fit_charts(store, r.sweep);
  r.fit_parameters = fit_parameter_tables(store, r.sweep);
  r.continual = continual_table(store, filter);
  r.continual_charts = continual_charts(store, filter);
  return r;
}

std::string report_folder_name(const std::string& sweep) {
  std::string name;
  for (char c : sweep.substr(0, kMaxReportFolderName)) {
    const bool kept = std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' ||
                      (c == '.' && !name.empty());
    name.push_back(kept ? c : '_');
  }
  return name.empty() ? "_" : name;
}

fs::path default_report_folder(const fs::path& out_dir, const std::string& sweep) {
  return out_dir / "reports" / report_folder_name(sweep);
}

namespace {

// A new, empty folder "<stem>.<what>.XXXXXX" beside `target`, named by mkdtemp so that it
// is never anything that was there before.
fs::path new_folder_beside(const fs::path& target, const std::string& what) {
  std::string name = (target.parent_path() / (target.filename().string() + "." + what + ".XXXXXX")).string();
  if (::mkdtemp(name.data()) == nullptr) {
    throw UserError(target.parent_path().string() + ": cannot create a folder here: " +
                    std::strerror(errno));
  }
  return name;
}

// Holds an exclusive flock on a folder itself (no lock file is left in it) while alive;
// without one (a filesystem without flock) writers simply do not wait.
class FolderTurn {
 public:
  explicit FolderTurn(const fs::path& folder) : fd_(::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)) {
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~FolderTurn() {
    if (fd_ >= 0) ::close(fd_);
  }
  FolderTurn(const FolderTurn&) = delete;
  FolderTurn& operator=(const FolderTurn&) = delete;

 private:
  int fd_;
};

// Writes the report files into a new folder beside `target`, then swaps it in: the old
// report moves aside only once the new one is complete, and comes back if the new one
// cannot take its place.
void replace_with_report(const fs::path& target,
                         const std::vector<std::pair<std::string, std::string>>& files) {
  fs::create_directories(target.parent_path());
  const fs::path staging = new_folder_beside(target, "tmp");
  fs::path old;
  try {
    for (const auto& [name, text] : files) write_file_atomically(staging / name, text);
    write_file_atomically(staging / kReportMarker,
                          "tunebench report folder: `tunebench report` replaces it whole, so keep "
                          "nothing else here\n");
    if (fs::exists(target)) {
      old = new_folder_beside(target, "old");
      fs::rename(target, old);  // over the empty folder just made
    }
    fs::rename(staging, target);
  } catch (...) {
    std::error_code ignored;
    if (!old.empty() && !fs::exists(target)) fs::rename(old, target, ignored);
    if (!old.empty() && fs::is_empty(old, ignored)) fs::remove(old, ignored);
    fs::remove_all(staging, ignored);
    throw;
  }
  if (!old.empty()) fs::remove_all(old);  // the previous report, checked replaceable
}

}  // namespace

std::vector<fs::path> write_report_folder(const Report& report, const fs::path& dir) {
  fs::path target = fs::absolute(dir).lexically_normal();
  if (target.filename().empty()) target = target.parent_path();  // "reports/x/"
  const std::vector<std::pair<std::string, std::string>> files = {
      {"index.html", report_html(report)},
      {"report.md", report_markdown(report)},
      {"methods.csv", method_table_csv(report.methods)},
      {"methods.tex", method_table_latex(report.methods)},
  };
  try {
    // Two writers of one folder (a sweep's own report and a `tunebench report` run meanwhile)
    // take turns: each would otherwise move away the folder the other is replacing.
    fs::create_directories(target.parent_path());
    const FolderTurn turn(target.parent_path());
    if (const std::string why = why_not_replaceable(target); !why.empty()) {
      throw UserError(target.string() + ": " + why +
                      "; the report replaces only a report folder tunebench wrote: move this "
                      "away, or write the report elsewhere (tunebench report --to NEW_FOLDER)");
    }
    replace_with_report(target, files);
  } catch (const fs::filesystem_error& e) {  // a parent that is a file, or not writable
    throw UserError(target.string() + ": cannot write the report there: " + e.code().message() +
                    " (" + e.path1().string() + ")");
  }
  std::vector<fs::path> written;
  for (const auto& [name, text] : files) written.push_back(target / name);
  return written;
}

}  // namespace tb
