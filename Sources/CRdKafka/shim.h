#ifndef CRDKAFKA_SHIM_H
#define CRDKAFKA_SHIM_H
// librdkafka (Debian librdkafka-dev 2.0.x): the Kafka C client, and its test broker (rdkafka_mock.h).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#endif
