#ifndef CNATS_SHIM_H
#define CNATS_SHIM_H
// libnats (Debian libnats-dev 3.x): the NATS C client with its JetStream API (js_*).
#include <nats/nats.h>
#endif
