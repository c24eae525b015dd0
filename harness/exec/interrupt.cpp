#include "harness/exec/interrupt.h"

#include <signal.h>

#include <atomic>

namespace tb {
namespace {

std::atomic<int> g_level{0};
std::atomic<bool> g_stop{false};
struct sigaction g_previous_int, g_previous_term;

void on_interrupt(int) { g_level.store(g_level.load() >= 1 ? 2 : 1); }
void on_terminate(int) { g_level.store(2); }
void on_stop(int) { g_stop.store(true); }

void install(void (*on_int)(int), void (*on_term)(int)) {
  struct sigaction action {};
  sigemptyset(&action.sa_mask);
  action.sa_handler = on_int;
  sigaction(SIGINT, &action, &g_previous_int);
  action.sa_handler = on_term;
  sigaction(SIGTERM, &action, &g_previous_term);
}

void restore() {
  sigaction(SIGINT, &g_previous_int, nullptr);
  sigaction(SIGTERM, &g_previous_term, nullptr);
}

}  // namespace

InterruptGuard::InterruptGuard() {
  g_level.store(0);
  install(on_interrupt, on_terminate);
}
InterruptGuard::~InterruptGuard() { restore(); }

int interrupt_level() { return g_level.load(); }
bool interrupt_requested() { return g_level.load() > 0; }

StopGuard::StopGuard() {
  g_stop.store(false);
  install(on_stop, on_stop);
}
StopGuard::~StopGuard() { restore(); }

bool stop_requested() { return g_stop.load(); }

}  // namespace tb
