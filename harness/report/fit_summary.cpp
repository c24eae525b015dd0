#include "harness/report/fit_summary.h"

#include <cstdio>

#include "harness/common/strings.h"
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
           num(*fit.ols_log_slope) + " (with a small offset, the robust fit's exponent e of x^e is about this slope, and of x^-e about its negative)\n\n";
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

namespace {

// "< 1e-4" or the value to 2 significant digits.
std::string p_value_text(double p) { return p < 1e-4 ? "< 1e-4" : significant(p, 2); }

std::string differences_table(const JointLawFit& fit) {
  std::string out = "| parameter | difference | value | 95% CI (bootstrap) | p (bootstrap) |\n|---|---|---|---|---|\n";
  for (const auto& d : fit.differences) {
    out += "| " + markdown_cell(d.parameter) + " | " + markdown_cell(d.group) + " − " +
           markdown_cell(d.reference) + " | " + num(d.value) + " | ";
    out += d.ci_low ? "[" + num(*d.ci_low) + ", " + num(*d.ci_high) + "] | " + p_value_text(*d.p_value)
                    : "— | —";
    out += " |\n";
  }
  return out;
}

}  // namespace

std::string joint_fit_to_markdown(const JointLawFit& fit) {
  const std::string groups = markdown_cell(joined(fit.groups));
  const std::string shared = markdown_cell(joined(fit.shared));
  std::string out = "joint fit of L = " + fit.formula + " over " + std::to_string(fit.groups.size()) +
                    " groups (" + groups + ")\n\n";
  for (const std::string& w : fit.warnings) out += "**warning:** " + markdown_cell(w) + "\n\n";
  for (const auto& g : fit.separate)
    out += "#### " + markdown_cell(g.group) + " alone\n\n" + fit_to_markdown(g.fit) + "\n";
  out += "#### shared " + shared + ", the other parameters per group\n\n" + fit_to_markdown(fit.shared_fit) + "\n";
  out += "#### do the groups share " + shared + "?\n\n";
  if (fit.f_statistic) {
    out += "extra-sum-of-squares F test of the least-squares refits (log space): RSS " + num(fit.shared_rss) +
           " shared, " + num(fit.separate_rss) + " separate; F(" + std::to_string(fit.restrictions) + ", " +
           std::to_string(fit.residual_df) + ") = " + num(*fit.f_statistic) + ", p " +
           (*fit.p_value < 1e-4 ? "" : "= ") + p_value_text(*fit.p_value) + " (assumes normal log residuals; the bootstrap below does not)\n\n";
  }
  return out + differences_table(fit);
}

std::string fit_outcome_markdown(const FitOutcome& outcome) {
  return outcome.joint ? joint_fit_to_markdown(*outcome.joint) : fit_to_markdown(outcome.fit);
}

}  // namespace tb
