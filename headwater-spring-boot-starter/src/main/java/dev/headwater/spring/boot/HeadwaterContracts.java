package dev.headwater.spring.boot;

import dev.headwater.contract.DataContract;
import java.util.List;
import java.util.Optional;

/**
 * The data contracts the application governs its records by: the {@code DataContract} beans (such as the one of
 * {@code headwater.contract}) and those of {@code headwater.contracts}. With one contract it governs every topic the
 * application writes and reads; with several, each governs the topics it lists. Immutable.
 */
public final class HeadwaterContracts {

    private final List<DataContract> contracts;

    /** @param contracts the contracts */
    public HeadwaterContracts(List<DataContract> contracts) {
        this.contracts = List.copyOf(contracts);
    }

    /** @return every contract, in the order configured */
    public List<DataContract> all() {
        return contracts;
    }

    /** @return true when there is none: values are then serialized as Spring Kafka is told */
    public boolean isEmpty() {
        return contracts.isEmpty();
    }

    /**
     * @param subject a registry subject, such as {@code retail.orders.placed.v1-value}
     * @return the contract of that subject
     */
    public Optional<DataContract> bySubject(String subject) {
        return contracts.stream().filter(c -> c.subject().equals(subject)).findFirst();
    }

    @Override
    public String toString() {
        return "HeadwaterContracts" + contracts.stream().map(c -> c.subject() + "@" + c.version()).toList();
    }
}
