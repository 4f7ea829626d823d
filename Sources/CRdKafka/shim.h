#ifndef CRDKAFKA_SHIM_H
#define CRDKAFKA_SHIM_H
// librdkafka (Debian librdkafka-dev 2.0.x): the Kafka C client, and its test broker (rdkafka_mock.h).
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

// rd_kafka_producev is variadic, which Swift cannot call: this wrapper produces one message (the
// payload and key are copied) to `topic` and `partition` (RD_KAFKA_PARTITION_UA: by the key's hash).
// `headers` may be NULL; on success the message owns them, on failure the caller still does.
static inline rd_kafka_resp_err_t crdkafka_produce(rd_kafka_t *rk, const char *topic, int32_t partition,
                                                   const void *payload, size_t length, const void *key,
                                                   size_t key_length, rd_kafka_headers_t *headers) {
    if (headers == NULL) {
        return rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                                 RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                                 RD_KAFKA_V_VALUE((void *)payload, length), RD_KAFKA_V_KEY(key, key_length),
                                 RD_KAFKA_V_END);
    }
    return rd_kafka_producev(rk, RD_KAFKA_V_TOPIC(topic), RD_KAFKA_V_PARTITION(partition),
                             RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY),
                             RD_KAFKA_V_VALUE((void *)payload, length), RD_KAFKA_V_KEY(key, key_length),
                             RD_KAFKA_V_HEADERS(headers), RD_KAFKA_V_END);
}
#endif
