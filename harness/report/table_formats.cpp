#include "harness/report/table_formats.h"

#include <cmath>
#include <cstdio>

#include "harness/report/escape.h"

namespace tb {
namespace {

std::string fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", digits, v);
  const std::string text = buf;
  const bool zero = text.find_first_not_of("-0.") == std::string::npos;
  return zero && text[0] == '-' ? text.substr(1) : text;  // no "-0.000"
}

// The number CSV carries: full precision, so pandas gets the stored value.
std::string exact(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

const char* kLegend =
    "mean [95% interval over runs (seeds), Student t]; † fewer than 3 seeds: the seeds' values in parentheses and a "
    "95% interval conditional on these runs (items as the unit), which says nothing about other seeds. Intervals are "
    "clipped to the metric's range. Base model: its evaluations before fine-tuning.";

std::string basis_id(const Interval& e) {
  switch (e.basis) {
    case IntervalBasis::kOverSeeds: return "seeds";
    case IntervalBasis::kConditional: return "conditional";
    case IntervalBasis::kNone: return "";
  }
  return "";
}

}  // namespace

std::string with_thousands(int64_t v) {
  std::string digits = std::to_string(v), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && digits[i - 1] != '-' && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string interval_text(const Interval& e, int digits) {
  std::string text = fixed(e.value, digits);
  if (e.basis != IntervalBasis::kOverSeeds && e.per_seed.size() >= 2) {
    std::string seeds;
    for (double v : e.per_seed) seeds += (seeds.empty() ? "" : ", ") + fixed(v, digits);
    text += " (" + seeds + ")";
  }
  if (e.has_interval()) text += " [" + fixed(e.low, digits) + ", " + fixed(e.high, digits) + "]";
  if (e.basis == IntervalBasis::kConditional) text += "†";
  return text;
}

std::string field_text(const TableField& field, const FieldValue& value) {
  switch (field.kind) {
    case FieldKind::kText:
      return value.text;
    case FieldKind::kCount:
      if (!value.min) return "—";
      return *value.min == *value.max ? with_thousands(*value.min)
                                      : with_thousands(*value.min) + "–" + with_thousands(*value.max);
    case FieldKind::kEstimate: {
      const auto e = scaled(field, value);
      return e ? interval_text(*e, field.digits) : "—";
    }
  }
  return "";
}

std::string method_table_markdown(const MethodTable& t) {
  std::string header = "|", rule = "|";
  for (const TableField& f : t.fields) {
    header += " " + markdown_cell(f.header) + " |";
    rule += f.kind == FieldKind::kText ? "---|" : "---:|";
  }
  std::string out = header + "\n" + rule + "\n";
  for (const auto& row : t.rows) {
    out += "|";
    for (size_t f = 0; f < t.fields.size(); ++f) out += " " + markdown_cell(field_text(t.fields[f], row[f])) + " |";
    out += "\n";
  }
  return out + "\n" + kLegend + "\n";
}

std::string method_table_csv(const MethodTable& t) {
  std::string out;
  auto add = [&](const std::string& cell) { out += (out.empty() || out.back() == '\n' ? "" : ",") + csv_field(cell); };
  for (const TableField& f : t.fields) {
    if (f.kind == FieldKind::kEstimate) {
      for (const char* part : {"_mean", "_ci_low", "_ci_high", "_n", "_interval"}) add(f.id + part);
    } else if (f.kind == FieldKind::kCount) {
      add(f.id);
      add(f.id + "_max");
    } else {
      add(f.id);
    }
  }
  out += "\n";
  for (const auto& row : t.rows) {
    for (size_t i = 0; i < t.fields.size(); ++i) {
      const TableField& f = t.fields[i];
      const FieldValue& v = row[i];
      if (f.kind == FieldKind::kEstimate) {
        const auto e = scaled(f, v);
        add(e ? exact(e->value) : "");
        add(e && e->has_interval() ? exact(e->low) : "");
        add(e && e->has_interval() ? exact(e->high) : "");
        add(e ? std::to_string(e->seeds) : "");
        add(e ? basis_id(*e) : "");
      } else if (f.kind == FieldKind::kCount) {
        add(v.min ? std::to_string(*v.min) : "");
        add(v.max ? std::to_string(*v.max) : "");
      } else {
        add(v.text);
      }
    }
    out += "\n";
  }
  return out;
}

std::string method_table_latex(const MethodTable& t) {
  std::string columns, header;
  for (const TableField& f : t.fields) {
    columns += f.kind == FieldKind::kText ? "l" : "r";
    header += (header.empty() ? "" : " & ") + latex_escape(f.header);
  }
  std::string out = "% Needs \\usepackage{booktabs}. " + std::string(kLegend) + "\n";
  out += "\\begin{tabular}{" + columns + "}\n\\toprule\n" + header + " \\\\\n\\midrule\n";
  for (const auto& row : t.rows) {
    std::string line;
    for (size_t f = 0; f < t.fields.size(); ++f) {
      std::string cell = latex_escape(field_text(t.fields[f], row[f]));
      line += (f == 0 ? "" : " & ") + cell;
    }
    out += line + " \\\\\n";
  }
  return out + "\\bottomrule\n\\end{tabular}\n";
}

namespace {

// One HTML table of the fields at `columns`.
std::string html_table(const MethodTable& t, const std::vector<size_t>& columns) {
  std::string out = "<table class=\"methods\">\n<thead><tr>";
  for (size_t f : columns) {
    out += "<th title=\"" + html_escape(t.fields[f].description) + "\"" +
           (t.fields[f].kind == FieldKind::kText ? "" : " class=\"num\"") + ">" + html_escape(t.fields[f].header) +
           "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : t.rows) {
    out += "<tr>";
    for (size_t f : columns) {
      out += std::string(t.fields[f].kind == FieldKind::kText ? "<td>" : "<td class=\"num\">") +
             html_escape(field_text(t.fields[f], row[f])) + "</td>";
    }
    out += "</tr>\n";
  }
  return out + "</tbody>\n</table>\n";
}

}  // namespace

std::string method_table_html(const MethodTable& t) {
  // The headline columns (scores, costs, wall time, memory) fit a 1400 px page; the other
  // metrics fold into a second table under them, each row again named by its method.
  std::vector<size_t> headline, folded;
  for (size_t f = 0; f < t.fields.size(); ++f) {
    const bool head = t.fields[f].headline || t.fields[f].kind == FieldKind::kText;
    (head ? headline : folded).push_back(f);
  }
  std::string out = html_table(t, headline);
  if (!folded.empty()) {
    std::vector<size_t> more = {0};  // the method column
    more.insert(more.end(), folded.begin(), folded.end());
    out += "<details class=\"more-columns\"><summary>More columns (" + std::to_string(folded.size()) +
           ")</summary>\n" + html_table(t, more) + "</details>\n";
  }
  return out + "<p class=\"note\">" + html_escape(kLegend) + "</p>\n";
}

}  // namespace tb
