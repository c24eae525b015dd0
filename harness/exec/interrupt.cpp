#include "harness/exec/interrupt.h"

#include <signal.h>

#include <atomic>

namespace tb {
namespace {

std::atomic<bool> g_requested{false};
struct sigaction g_previous_int, g_previous_term;

void on_signal(int) { g_requested.store(true); }

}  // namespace

InterruptGuard::InterruptGuard() {
  g_requested.store(false);
  struct sigaction action {};
  action.sa_handler = on_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, &g_previous_int);
  sigaction(SIGTERM, &action, &g_previous_term);
}

InterruptGuard::~InterruptGuard() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

bool interrupt_requested() { return g_requested.load(); }

}  // namespace tb
