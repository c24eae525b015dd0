#include "harness/report/fit_summary.h"

#include <cstdio>

#include "harness/report/escape.h"

namespace tb {
namespace {

std::string num(double v) { return significant(v, 4); }

}  // namespace

std::string significant(double v, int digits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*g", digits, v);
  return buf;
}

std::string fit_to_markdown(const LawFit& fit) {
  std::string out = "law: L = " + fit.formula + "\n\n";
  out += "fitted on " + std::to_string(fit.points) + " points; objective " + num(fit.objective) +
         " (sum of Huber losses of log residuals), log RMSE " + num(fit.log_rmse) + "; " +
         std::to_string(fit.starts_at_best) + " of " + std::to_string(fit.starts) +
         " L-BFGS starts reached the best objective\n\n";
  for (const std::string& w : fit.warnings) out += "**warning:** " + markdown_cell(w) + "\n\n";
  if (fit.ols_log_slope) {
    out += "ordinary least-squares slope of log y on log " + markdown_cell(fit.variables[0]) + ": " +
           num(*fit.ols_log_slope) + " (the robust fit's exponent is its negative when the offset is small)\n\n";
  }
  const bool intervals = fit.bootstrap > 0;
  out += intervals ? "| parameter | value | SE | 95% CI (bootstrap, " +
                         std::to_string(fit.bootstrap) + ") |\n|---|---|---|---|\n"
                   : "| parameter | value |\n|---|---|\n";
  for (const auto& p : fit.parameters) {
    out += "| " + markdown_cell(p.name) + " | " + num(p.value);
    if (!p.identified) {
      out += intervals ? " | — | not identified: its term vanishes at every point"
                       : " (not identified: its term vanishes)";
    } else if (intervals) {
      out += " | " + num(*p.stderr_value) + " | [" + num(*p.ci_low) + ", " + num(*p.ci_high) + "]";
    }
    out += " |\n";
  }
  if (!fit.held_out.empty()) {
    out += "\nheld out " + std::to_string(fit.held_out.size()) +
           " points: mean |L̂ - L| = " + num(*fit.held_out_abs_error) +
           ", mean |L̂ - L| / L = " + num(100 * *fit.held_out_rel_error) + "%\n\n";
    out += "| point |";
    for (const auto& v : fit.variables) out += " " + markdown_cell(v) + " |";
    out += " L | L̂ |\n|---|";
    for (size_t i = 0; i < fit.variables.size(); ++i) out += "---|";
    out += "---|---|\n";
    for (const auto& h : fit.held_out) {
      out += "| " + markdown_cell(h.label) + " |";
      for (double x : h.x) out += " " + num(x) + " |";
      out += " " + num(h.y) + " | " + num(h.predicted) + " |\n";
    }
  }
  return out;
}

}  // namespace tb
