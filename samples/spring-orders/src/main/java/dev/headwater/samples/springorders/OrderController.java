package dev.headwater.samples.springorders;

import dev.headwater.producer.ContractRefusedException;
import dev.headwater.producer.RecordDeadLetteredException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /orders}: sends an {@code OrderPlaced} record through the (governed) {@code KafkaTemplate} and answers
 * with where it went. An order that breaks an {@code ERROR} rule of the contract is refused with 422 naming the rule
 * and field (nothing is sent); one that breaks only {@code DLQ} rules is accepted (202) but written to the contract's
 * dead-letter topic, and the answer says so.
 */
@RestController
public class OrderController {

    /** The body of {@code POST /orders}. */
    public record OrderRequest(String customer, double amount, String currency, String channel) {
    }

    private final KafkaTemplate<String, GenericRecord> template;
    private final Schema schema;
    private final String topic;

    /**
     * @param template Spring Boot's template, governed by the Headwater starter
     * @param contract the orders contract, from {@code headwater.contract}
     * @param topic where orders go
     */
    public OrderController(KafkaTemplate<String, GenericRecord> template, dev.headwater.contract.DataContract contract,
            @Value("${orders.topic}") String topic) {
        this.template = template;
        this.schema = contract.schema();
        this.topic = topic;
    }

    /**
     * @param request the order
     * @return 202 with topic, partition and offset (or the dead-letter topic), 422 naming what the contract refuses
     */
    @PostMapping("/orders")
    public ResponseEntity<Map<String, Object>> place(@RequestBody OrderRequest request)
            throws InterruptedException, ExecutionException, TimeoutException {
        GenericRecord order = new GenericData.Record(schema);
        String id = UUID.randomUUID().toString();
        order.put("id", id);
        order.put("customer", request.customer());
        order.put("amount", request.amount());
        order.put("currency", request.currency());
        order.put("channel", request.channel());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("id", id);
        try {
            RecordMetadata sent = template.send(topic, id, order).get(30, TimeUnit.SECONDS).getRecordMetadata();
            answer.put("status", "SENT");
            answer.put("topic", sent.topic());
            answer.put("partition", sent.partition());
            answer.put("offset", sent.offset());
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(answer);
        } catch (RuntimeException | ExecutionException e) {
            RecordDeadLetteredException deadLettered = find(e, RecordDeadLetteredException.class);
            if (deadLettered != null) {
                answer.put("status", "DEAD_LETTERED");
                answer.put("topic", deadLettered.deadLetterTopic());
                answer.put("reason", deadLettered.getMessage());
                return ResponseEntity.status(HttpStatus.ACCEPTED).body(answer);
            }
            ContractRefusedException refused = find(e, ContractRefusedException.class);
            if (refused != null) {
                answer.put("status", "REFUSED");
                answer.put("reason", refused.getMessage());
                return ResponseEntity.unprocessableContent().body(answer);
            }
            throw e;
        }
    }

    private static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
