// Scaling-law formulas (see the header). The built-in laws:
//   power_law       E + A·x^-α                      (offset power law)
//   chinchilla      E + A·N^-α + B·D^-β             (Hoffmann et al. 2022, eq. 2)
//   multiplicative  E + A·X^-α·D^-β                 (Zhang et al. 2024, eq. 1)
//   additive        E + A·X^-α + B·D^-β             (their additive baseline)
//   forgetting      E + A·P^a·N^b                   (Kalajdzievski 2024: forgetting as a
//                                                    shifted power law in tuned parameters
//                                                    P and steps N)
#include "harness/analysis/scaling_law_formula.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <map>

#include "harness/common/check.h"
#include "harness/common/strings.h"

namespace tb {
namespace {

const std::map<std::string, std::string>& builtin_laws() {
  static const std::map<std::string, std::string> laws = {
      {"power_law", "E + A*x^-alpha"},
      {"chinchilla", "E + A*N^-alpha + B*D^-beta"},
      {"multiplicative", "E + A*X^-alpha*D^-beta"},
      {"additive", "E + A*X^-alpha + B*D^-beta"},
      {"forgetting", "E + A*P^a*N^b"},
  };
  return laws;
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      parts.push_back(trim(s.substr(start, i - start)));
      start = i + 1;
    }
  }
  return parts;
}

bool is_name(const std::string& s) {
  if (s.empty() || !(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
  });
}

}  // namespace

int ScalingLaw::parameter_index(const std::string& name) const {
  for (size_t i = 0; i < parameters.size(); ++i) {
    if (parameters[i].name == name) return int(i);
  }
  return -1;
}

double ScalingLaw::log_predict(const double* log_x, const std::vector<double>& theta,
                               double* gradient) const {
  // Few terms: a fixed-size buffer keeps the fitter's inner loop free of allocation.
  constexpr size_t kMaxTerms = 16;
  double t[kMaxTerms];
  double top = -INFINITY;
  for (size_t k = 0; k < terms.size(); ++k) {
    double v = theta[terms[k].coefficient];
    for (const auto& f : terms[k].factors) v += f.sign * theta[f.exponent] * log_x[f.variable];
    t[k] = v;
    top = std::max(top, v);
  }
  double sum = 0;
  for (size_t k = 0; k < terms.size(); ++k) {
    t[k] = std::exp(t[k] - top);
    sum += t[k];
  }
  if (gradient != nullptr) {
    // d LSE / d t_k = softmax_k; t_k is linear in theta.
    for (size_t k = 0; k < terms.size(); ++k) {
      const double w = t[k] / sum;
      gradient[terms[k].coefficient] += w;
      for (const auto& f : terms[k].factors) gradient[f.exponent] += w * f.sign * log_x[f.variable];
    }
  }
  return top + std::log(sum);
}

std::vector<double> ScalingLaw::natural_values(const std::vector<double>& theta) const {
  std::vector<double> v(theta.size());
  for (size_t i = 0; i < theta.size(); ++i) {
    v[i] = parameters[i].is_coefficient ? std::exp(theta[i]) : theta[i];
  }
  return v;
}

ScalingLaw parse_scaling_law(const std::string& formula) {
  ScalingLaw law;
  law.formula = trim(formula);
  auto fail = [&](const std::string& why) -> UserError {
    return UserError("law \"" + formula + "\": " + why +
                     " (expected terms like E + A*N^-alpha + B*D^beta)");
  };
  // A name may play one role only: variable, coefficient or exponent.
  std::map<std::string, char> roles;
  auto claim = [&](const std::string& name, char role) {
    if (!is_name(name)) throw fail("\"" + name + "\" is not a name");
    auto [it, inserted] = roles.emplace(name, role);
    if (!inserted && it->second != role) throw fail("\"" + name + "\" is used in two roles");
    return inserted;
  };
  if (law.formula.empty()) throw fail("empty formula");
  for (const auto& term_text : split(law.formula, '+')) {
    if (term_text.empty()) throw fail("an empty term");
    LawTerm term;
    int coefficients = 0;
    for (const auto& factor_text : split(term_text, '*')) {
      const auto caret = factor_text.find('^');
      if (caret == std::string::npos) {
        ++coefficients;
        if (claim(factor_text, 'c')) law.parameters.push_back({factor_text, true, false});
        term.coefficient = law.parameter_index(factor_text);
        continue;
      }
      const std::string var = trim(factor_text.substr(0, caret));
      std::string exponent = trim(factor_text.substr(caret + 1));
      LawFactor f;
      f.sign = 1;
      if (!exponent.empty() && exponent[0] == '-') {
        f.sign = -1;
        exponent = trim(exponent.substr(1));
      }
      if (claim(var, 'v')) law.variables.push_back(var);
      if (claim(exponent, 'e')) law.parameters.push_back({exponent, false, false});
      f.variable =
          int(std::find(law.variables.begin(), law.variables.end(), var) - law.variables.begin());
      f.exponent = law.parameter_index(exponent);
      term.factors.push_back(f);
    }
    if (coefficients != 1) throw fail("term \"" + term_text + "\" needs exactly one coefficient");
    if (term.factors.empty()) law.parameters[term.coefficient].is_constant_term = true;
    law.terms.push_back(term);
  }
  if (law.variables.empty()) throw fail("no variable (write var^exponent)");
  if (law.terms.size() > 16) throw fail("more than 16 terms");
  for (size_t i = 0; i < law.terms.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (law.terms[i].coefficient == law.terms[j].coefficient) {
        throw fail("coefficient \"" + law.parameters[law.terms[i].coefficient].name +
                   "\" appears in two terms");
      }
    }
  }
  return law;
}

void check_variable_sources(const ScalingLaw& law, const std::map<std::string, std::string>& sources) {
  for (const auto& [var, source] : sources) {
    if (std::find(law.variables.begin(), law.variables.end(), var) == law.variables.end()) {
      throw UserError("a source is given for \"" + var + "\", which is not a variable of " + law.formula);
    }
  }
  for (const auto& var : law.variables) {
    if (!sources.count(var)) throw UserError("the law " + law.formula + " needs a source for its variable " + var);
  }
}

ScalingLaw scaling_law(const std::string& name_or_formula) {
  const auto it = builtin_laws().find(name_or_formula);
  return parse_scaling_law(it != builtin_laws().end() ? it->second : name_or_formula);
}

std::vector<std::string> scaling_law_names() {
  std::vector<std::string> names;
  for (const auto& [name, formula] : builtin_laws()) names.push_back(name + ": " + formula);
  return names;
}

}  // namespace tb
