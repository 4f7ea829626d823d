/* A Kafka-protocol broker for tests and local runs: librdkafka's own mock cluster
 * (rdkafka_mock.h), NOT Apache Kafka. It serves produce, fetch, metadata, consumer groups
 * and offset commits on loopback, keeps everything in memory, and auto-creates topics
 * (4 partitions by default) on first use.
 *
 * Usage: kafka-mock [BROKERS]   (default 1)
 * Prints the bootstrap address ("127.0.0.1:PORT[,...]") as its one line on stdout once the
 * cluster listens, then runs until SIGTERM or SIGINT; everything else goes to stderr.
 * Built and run by scripts/kafka (cc kafka-mock.c -lrdkafka). */
#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int brokers = argc > 1 ? atoi(argv[1]) : 1;
    if (brokers < 1 || brokers > 9) {
        fprintf(stderr, "kafka-mock: BROKERS must be 1...9, not '%s'\n", argv[1]);
        return 2;
    }
    /* Wait for SIGTERM/SIGINT with sigwait: block them first (librdkafka's threads inherit
     * the mask), whatever mask or dispositions this process inherited. */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGTERM);
    sigaddset(&stop, SIGINT);
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);

    char error[512];
    rd_kafka_conf_t *conf = rd_kafka_conf_new();
    /* log_level 4: warnings and worse (not the notice that this handle has no bootstrap.servers). */
    if (rd_kafka_conf_set(conf, "client.id", "restock-kafka-mock", error, sizeof error) != RD_KAFKA_CONF_OK ||
        rd_kafka_conf_set(conf, "log_level", "4", error, sizeof error) != RD_KAFKA_CONF_OK) {
        fprintf(stderr, "kafka-mock: %s\n", error);
        return 1;
    }
    rd_kafka_t *rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (!rk) {
        fprintf(stderr, "kafka-mock: cannot create a client handle: %s\n", error);
        return 1;
    }
    rd_kafka_mock_cluster_t *cluster = rd_kafka_mock_cluster_new(rk, brokers);
    if (!cluster) {
        fprintf(stderr, "kafka-mock: rd_kafka_mock_cluster_new failed\n");
        rd_kafka_destroy(rk);
        return 1;
    }
    printf("%s\n", rd_kafka_mock_cluster_bootstraps(cluster));
    fflush(stdout);

    int signal_number = 0;
    sigwait(&stop, &signal_number);
    fprintf(stderr, "kafka-mock: signal %d, stopping\n", signal_number);
    rd_kafka_mock_cluster_destroy(cluster);
    rd_kafka_destroy(rk);
    return 0;
}
