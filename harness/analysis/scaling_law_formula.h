// Scaling laws as sums of power-law terms, L = C0 + C1·Π x^(±e) + ..., written as text
// ("E + A*N^-alpha + B*D^-beta") and evaluated in the log-sum-exp form of Hoffmann et al.
// 2022 (App. D.2): log L = LSE_k(t_k), t_k = c_k + Σ ±e·log x, where c_k = log C_k. Every
// law tunebench fits is one of these: the power law with offset, Chinchilla's, the
// multiplicative joint fine-tuning law (Zhang et al. 2024, eq. 1), the forgetting law
// (Kalajdzievski 2024), or any user-written combination.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace tb {

struct LawParameter {
  std::string name;
  // Coefficients (C in C·x^e, and the constant offset) are fitted as c = log C, which keeps
  // them positive; exponents are fitted as they are.
  bool is_coefficient = false;
  bool is_constant_term = false;  // a coefficient standing alone (the offset E)
};

struct LawFactor {
  int variable = 0;  // index into ScalingLaw::variables
  int exponent = 0;  // index into ScalingLaw::parameters
  double sign = -1;  // x^-e: -1, x^e: +1
};

struct LawTerm {
  int coefficient = 0;  // index into ScalingLaw::parameters
  std::vector<LawFactor> factors;
};

struct ScalingLaw {
  std::string formula;
  std::vector<std::string> variables;  // in order of first appearance
  std::vector<LawParameter> parameters;
  std::vector<LawTerm> terms;

  int parameter_index(const std::string& name) const;  // -1 when absent
  // log L at one point, given log x for every variable and the fitted parameters theta
  // (coefficients as logs). When `gradient` is not null, adds d log L / d theta to it.
  double log_predict(const double* log_x, const std::vector<double>& theta,
                     double* gradient = nullptr) const;
  // The law's value in natural units: fitted theta -> parameter values (exp of coefficients).
  std::vector<double> natural_values(const std::vector<double>& theta) const;
};

// Parses "E + A*N^-alpha + B*D^-beta": terms joined by '+'; a term is one coefficient name
// times zero or more factors var^exponent or var^-exponent. Names are letters, digits and
// '_'. Throws UserError naming what is wrong.
ScalingLaw parse_scaling_law(const std::string& formula);

// UserError unless `sources` (variable -> where its values come from) names every variable of
// `law` and nothing else.
void check_variable_sources(const ScalingLaw& law, const std::map<std::string, std::string>& sources);

// The built-in laws by name (power_law, chinchilla, multiplicative, additive, forgetting),
// or parse_scaling_law(text) when `name_or_formula` is none of them.
ScalingLaw scaling_law(const std::string& name_or_formula);
std::vector<std::string> scaling_law_names();

}  // namespace tb
