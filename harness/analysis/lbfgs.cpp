// L-BFGS with a strong-Wolfe line search (Nocedal & Wright, Numerical Optimization, 2nd ed.:
// Alg. 7.4 two-loop recursion, Alg. 3.5 line search, Alg. 3.6 zoom with the cubic
// interpolant of eq. 3.59). Sufficient decrease c1 = 1e-4, curvature c2 = 0.9; the first
// step is scaled to min(1, 1/|g|_1) as in PyTorch's LBFGS, later ones start at 1.
#include "harness/analysis/lbfgs.h"

#include <algorithm>
#include <cmath>
#include <deque>

namespace tb {
namespace {

double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double max_abs(const std::vector<double>& a) {
  double m = 0;
  for (double v : a) m = std::max(m, std::abs(v));
  return m;
}

// Minimiser of the cubic through (a, fa, ga) and (b, fb, gb), kept inside the bracket away
// from its ends; bisection when the cubic has no usable minimum.
double cubic_step(double a, double fa, double ga, double b, double fb, double gb) {
  const double d1 = ga + gb - 3 * (fa - fb) / (a - b);
  const double disc = d1 * d1 - ga * gb;
  const double lo = std::min(a, b), hi = std::max(a, b);
  if (disc >= 0) {
    const double d2 = std::copysign(std::sqrt(disc), b - a);
    const double t = b - (b - a) * (gb + d2 - d1) / (gb - ga + 2 * d2);
    const double margin = 0.1 * (hi - lo);
    if (std::isfinite(t) && t > lo + margin && t < hi - margin) return t;
  }
  return 0.5 * (a + b);
}

struct Point {
  double step, value, slope;  // along the search direction
  std::vector<double> x, grad;
};

class LineSearch {
 public:
  LineSearch(const Objective& f, const std::vector<double>& x, const std::vector<double>& d,
             double f0, double g0, int& evaluations)
      : f_(f), x_(x), d_(d), f0_(f0), g0_(g0), evaluations_(evaluations) {}

  // A point satisfying the strong Wolfe conditions, or the best point seen (possibly the
  // start) when none is found in max_evaluations.
  Point search(double step) {
    Point prev{0, f0_, g0_, x_, {}};
    for (int i = 0; i < kMaxEvaluations; ++i) {
      Point cur = eval(step);
      if (!std::isfinite(cur.value) || cur.value > f0_ + kC1 * step * g0_ ||
          (i > 0 && cur.value >= prev.value)) {
        if (!std::isfinite(cur.value)) {  // overflowed: back off before bracketing
          step = 0.5 * (prev.step + step);
          if (i + 1 < kMaxEvaluations) continue;
          break;
        }
        return zoom(prev, cur);
      }
      if (std::abs(cur.slope) <= -kC2 * g0_) return cur;
      if (cur.slope >= 0) return zoom(cur, prev);
      prev = std::move(cur);
      step *= 2;
    }
    return best_;
  }

 private:
  static constexpr double kC1 = 1e-4, kC2 = 0.9;
  static constexpr int kMaxEvaluations = 25;

  Point eval(double step) {
    Point p;
    p.step = step;
    p.x.resize(x_.size());
    for (size_t i = 0; i < x_.size(); ++i) p.x[i] = x_[i] + step * d_[i];
    p.grad.assign(x_.size(), 0.0);
    p.value = f_(p.x, p.grad);
    p.slope = dot(p.grad, d_);
    ++evaluations_;
    if (std::isfinite(p.value) && (best_.x.empty() || p.value < best_.value)) best_ = p;
    return p;
  }

  // lo satisfies sufficient decrease with the lowest value so far; the minimum lies between lo and
  // hi.
  Point zoom(Point lo, Point hi) {
    for (int i = 0; i < kMaxEvaluations; ++i) {
      const double step = cubic_step(lo.step, lo.value, lo.slope, hi.step, hi.value, hi.slope);
      if (std::abs(hi.step - lo.step) < 1e-16 * std::max(1.0, std::abs(lo.step))) break;
      Point cur = eval(step);
      if (!std::isfinite(cur.value) || cur.value > f0_ + kC1 * step * g0_ ||
          cur.value >= lo.value) {
        hi = std::move(cur);
        continue;
      }
      if (std::abs(cur.slope) <= -kC2 * g0_) return cur;
      if (cur.slope * (hi.step - lo.step) >= 0) hi = lo;
      lo = std::move(cur);
    }
    return best_.x.empty() ? lo : best_;
  }

  const Objective& f_;
  const std::vector<double>& x_;
  const std::vector<double>& d_;
  double f0_, g0_;
  int& evaluations_;
  Point best_;
};

}  // namespace

LbfgsResult minimize_lbfgs(const Objective& f, std::vector<double> x0,
                           const LbfgsOptions& options) {
  LbfgsResult r;
  std::vector<double> g(x0.size(), 0.0);
  r.x = std::move(x0);
  r.value = f(r.x, g);
  r.evaluations = 1;
  if (!std::isfinite(r.value)) {
    r.stop_reason = "non-finite start";
    return r;
  }
  std::deque<std::vector<double>> s_hist, y_hist;
  std::deque<double> rho_hist;
  std::vector<double> d(r.x.size()), alpha(options.history);
  while (true) {
    if (max_abs(g) <= options.gradient_tolerance) {
      r.stop_reason = "gradient";
      return r;
    }
    if (r.iterations >= options.max_iterations) {
      r.stop_reason = "iterations";
      return r;
    }
    // Two-loop recursion: d = -H g, with H0 = (s·y / y·y) I.
    for (size_t i = 0; i < d.size(); ++i) d[i] = -g[i];
    for (int k = int(s_hist.size()) - 1; k >= 0; --k) {
      alpha[k] = rho_hist[k] * dot(s_hist[k], d);
      for (size_t i = 0; i < d.size(); ++i) d[i] -= alpha[k] * y_hist[k][i];
    }
    if (!s_hist.empty()) {
      const double gamma = dot(s_hist.back(), y_hist.back()) / dot(y_hist.back(), y_hist.back());
      for (double& v : d) v *= gamma;
    }
    for (size_t k = 0; k < s_hist.size(); ++k) {
      const double beta = rho_hist[k] * dot(y_hist[k], d);
      for (size_t i = 0; i < d.size(); ++i) d[i] += s_hist[k][i] * (alpha[k] - beta);
    }
    double slope = dot(g, d);
    if (!(slope < 0)) {  // not a descent direction: restart from steepest descent
      s_hist.clear(), y_hist.clear(), rho_hist.clear();
      for (size_t i = 0; i < d.size(); ++i) d[i] = -g[i];
      slope = dot(g, d);
    }
    double step = 1;
    if (r.iterations == 0) {
      double l1 = 0;
      for (double v : g) l1 += std::abs(v);
      step = std::min(1.0, 1.0 / l1);
    }
    LineSearch search(f, r.x, d, r.value, slope, r.evaluations);
    Point p = search.search(step);
    ++r.iterations;
    if (p.x.empty() || !(p.value < r.value)) {
      r.stop_reason = "line search";
      return r;
    }
    std::vector<double> s(r.x.size()), y(r.x.size());
    for (size_t i = 0; i < s.size(); ++i) {
      s[i] = p.x[i] - r.x[i];
      y[i] = p.grad[i] - g[i];
    }
    const double change = r.value - p.value;
    const double scale = std::max(1.0, std::abs(p.value));
    r.x = std::move(p.x);
    g = std::move(p.grad);
    r.value = p.value;
    const double sy = dot(s, y);
    if (sy > 1e-300) {  // keep H positive definite: skip pairs without positive curvature
      s_hist.push_back(std::move(s));
      y_hist.push_back(std::move(y));
      rho_hist.push_back(1.0 / sy);
      if (int(s_hist.size()) > options.history) {
        s_hist.pop_front(), y_hist.pop_front(), rho_hist.pop_front();
      }
    }
    if (change <= options.change_tolerance * scale) {
      r.stop_reason = "change";
      return r;
    }
  }
}

}  // namespace tb
