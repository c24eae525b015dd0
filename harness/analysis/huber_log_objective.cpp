// See huber_log_objective.h. log L̂_i = m_i + log Σ_k e^{t_ik − m_i}, m_i = max_k t_ik,
// t_ik = c_k + Σ_f s_f e_f log x_{i,v_f}; with r_i = log L̂_i − log y_i,
// d/dc_k = Σ_i w_i h'(r_i) softmax_ik and d/de_f = Σ_i w_i h'(r_i) softmax_ik s_f log x_{i,v_f}.
#include "harness/analysis/huber_log_objective.h"

#include <algorithm>
#include <cmath>

#include "harness/analysis/scaling_laws.h"

namespace tb {

HuberLogObjective::HuberLogObjective(const ScalingLaw& law, const LogPoints& points,
                                     const std::vector<size_t>* sample, double delta)
    : law_(law), delta_(delta) {
  std::vector<double> count(points.size(), sample == nullptr ? 1.0 : 0.0);
  if (sample != nullptr) {
    for (size_t i : *sample) count[i] += 1;
  }
  std::vector<size_t> kept;
  for (size_t i = 0; i < points.size(); ++i) {
    if (count[i] > 0) kept.push_back(i);
  }
  n_ = kept.size();
  log_x_.resize(points.variables * n_);
  for (size_t s = 0; s < n_; ++s) {
    for (size_t v = 0; v < points.variables; ++v)
      log_x_[v * n_ + s] = points.log_x[kept[s] * points.variables + v];
    log_y_.push_back(points.log_y[kept[s]]);
    weight_.push_back(count[kept[s]]);
  }
  term_.resize(law.terms.size() * n_);
  top_.resize(n_);
  sum_.resize(n_);
  slope_.resize(n_);
}

void HuberLogObjective::fill_term_exponents(const std::vector<double>& theta) {
  std::fill(top_.begin(), top_.end(), -INFINITY);
  for (size_t k = 0; k < law_.terms.size(); ++k) {
    double* t = &term_[k * n_];
    std::fill(t, t + n_, theta[size_t(law_.terms[k].coefficient)]);
    for (const auto& f : law_.terms[k].factors) {
      const double scale = f.sign * theta[size_t(f.exponent)];
      const double* log_x = &log_x_[size_t(f.variable) * n_];
      for (size_t i = 0; i < n_; ++i) t[i] += scale * log_x[i];
    }
    for (size_t i = 0; i < n_; ++i) top_[i] = std::max(top_[i], t[i]);
  }
  std::fill(sum_.begin(), sum_.end(), 0.0);
  for (size_t k = 0; k < law_.terms.size(); ++k) {
    double* t = &term_[k * n_];
    // The largest term is e^0 = 1: skipping its exp saves a third of them on Chinchilla.
    for (size_t i = 0; i < n_; ++i) t[i] = t[i] == top_[i] ? 1.0 : std::exp(t[i] - top_[i]);
    for (size_t i = 0; i < n_; ++i) sum_[i] += t[i];
  }
}

// The objective's value; leaves each point's gradient factor in slope_.
double HuberLogObjective::huber_and_slopes() {
  double total = 0;
  for (size_t i = 0; i < n_; ++i) {
    const double sum = sum_[i];
    const double r = top_[i] + std::log(sum) - log_y_[i];
    const double a = std::abs(r);
    total += weight_[i] * (a <= delta_ ? 0.5 * r * r : delta_ * (a - 0.5 * delta_));
    slope_[i] = weight_[i] * (a <= delta_ ? r : std::copysign(delta_, r)) / sum;
  }
  return total;
}

void HuberLogObjective::add_gradient(std::vector<double>& gradient) const {
  for (size_t k = 0; k < law_.terms.size(); ++k) {
    const double* e = &term_[k * n_];
    double d_coefficient = 0;
    for (size_t i = 0; i < n_; ++i) d_coefficient += slope_[i] * e[i];
    gradient[size_t(law_.terms[k].coefficient)] += d_coefficient;
    for (const auto& f : law_.terms[k].factors) {
      const double* log_x = &log_x_[size_t(f.variable) * n_];
      double d_exponent = 0;
      for (size_t i = 0; i < n_; ++i) d_exponent += slope_[i] * e[i] * log_x[i];
      gradient[size_t(f.exponent)] += f.sign * d_exponent;
    }
  }
}

double HuberLogObjective::operator()(const std::vector<double>& theta,
                                     std::vector<double>* gradient) {
  fill_term_exponents(theta);
  const double total = huber_and_slopes();
  if (gradient != nullptr) add_gradient(*gradient);
  return total;
}

}  // namespace tb
