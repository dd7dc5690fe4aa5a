package dev.headwater.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs a JUnit 5 test class against an in-process Kafka cluster and, when asked for, an in-process schema registry.
 * Declare a parameter of type {@link EmbeddedKafkaCluster} or {@link EmbeddedSchemaRegistry} in a constructor, a
 * lifecycle method or a test method to receive it; the registry starts only if some parameter asks for it.
 *
 * <pre>{@code
 * @HeadwaterTest
 * class OrdersTest {
 *     @Test
 *     void sendsAnOrder(EmbeddedKafkaCluster kafka) {
 *         kafka.createTopic("retail.orders.placed.v1");
 *         // produce and consume against kafka.bootstrapServers()
 *     }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(HeadwaterExtension.class)
public @interface HeadwaterTest {

    /**
     * The number of brokers; with more than one, a dedicated controller runs beside them so that any broker can be
     * stopped.
     *
     * @return the broker count, at least 1
     */
    int brokers() default 1;

    /**
     * How long the cluster lives.
     *
     * @return {@link Scope#CLASS} (the default) or {@link Scope#RUN}
     */
    Scope scope() default Scope.CLASS;

    /**
     * Where the cluster and registry run; the system property {@code headwater.testkit.mode} ({@code embedded} or
     * {@code containers}) overrides it for a whole run.
     *
     * @return {@link Mode#EMBEDDED} (the default) or {@link Mode#CONTAINERS}
     */
    Mode mode() default Mode.EMBEDDED;

    /** Where the cluster and registry of a {@link HeadwaterEnvironment} run. */
    enum Mode {
        /** In this JVM: Kafka's own KRaft broker and Headwater's registry. No Docker needed. */
        EMBEDDED,
        /**
         * In containers through Testcontainers (Apache Kafka and Confluent Schema Registry images). Without Docker the
         * tests are skipped, with the reason, not failed.
         */
        CONTAINERS
    }

    /** How long an in-process cluster lives and who shares it. */
    enum Scope {
        /** Started before the first test of the class and closed after its last one. */
        CLASS,
        /**
         * Started once and shared by every test class of the run that asks for the same number of brokers; closed when
         * the run ends. Faster; tests must use their own topics.
         */
        RUN
    }
}
