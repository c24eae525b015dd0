// A sweep's report: everything `tunebench report` shows, gathered from the store in one
// snapshot, then rendered as one offline HTML page (report_html.h) and Markdown
// (report_markdown.h), with the method table also as CSV and LaTeX, into one folder.
#pragma once
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "harness/report/compared_spectra.h"
#include "harness/report/method_table.h"
#include "harness/report/report_charts.h"
#include "harness/report/summary.h"
#include "harness/report/text_table.h"
#include "harness/report/training_curves.h"

namespace tb {

class Store;
struct RunFilter;

struct FailedRun {
  std::string key, variant, kind, reason;
  int64_t seed = 0;
};

struct Report {
  std::string sweep, generated_at;
  std::vector<std::string> methods_filter;
  int64_t runs_done = 0, runs_failed = 0, runs_other = 0;
  MethodTable methods;
  SummaryTable summary;  // every metric per suite, and the sliced grids
  std::vector<Chart> pareto, loss, heatmaps, spectral, fits;
  TextTable spectral_summary;
  std::vector<TextTable> fit_parameters;
  TextTable continual;                   // continual runs only (continual_report.h)
  std::vector<Chart> continual_charts;
  // Runs evaluated during training (training_curves.h): tables by step, curve charts.
  std::vector<TextTable> curve_tables;
  std::vector<Chart> curves;
  std::vector<FailedRun> failed;
};

// UserError when the sweep does not exist or has no finished runs matching the filter.
// Spectral totals and means are over one matrix set for every variant (compared_spectra.h).
Report build_report(Store& store, const RunFilter& filter,
                    SpectralMatrices spectral_matrices = SpectralMatrices::kProjections);

// A sweep name as a folder name: letters, digits, '-', '_' and '.' kept (a leading '.'
// excepted), every other byte '_', at most kMaxReportFolderName bytes; never empty, "." or
// "..", hidden or a path, whatever an older store holds.
inline constexpr size_t kMaxReportFolderName = 100;
std::string report_folder_name(const std::string& sweep);

// Where a sweep's report goes by default: <out_dir>/reports/<report_folder_name(sweep)>.
std::filesystem::path default_report_folder(const std::filesystem::path& out_dir, const std::string& sweep);

// The file that marks a folder as a report folder tunebench wrote (and may replace).
inline constexpr const char* kReportMarker = ".tunebench-report";

// Writes index.html, report.md, methods.csv, methods.tex and kReportMarker into `dir`:
// built in a sibling temporary folder, then swapped in, so `dir` is never half-written.
// Returns the four report files. `dir` must not exist yet or be a report folder tunebench
// wrote: holding kReportMarker and nothing but these files, or exactly the four report
// files (as versions before the marker wrote them). Anything else there (a folder of
// the user's, a file, an output folder with its store) is a UserError; nothing is touched.
std::vector<std::filesystem::path> write_report_folder(const Report& report, const std::filesystem::path& dir);

}  // namespace tb
