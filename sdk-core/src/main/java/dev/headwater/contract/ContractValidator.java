package dev.headwater.contract;

import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelVariableResolver;
import dev.headwater.contract.internal.CelFastPath;
import dev.headwater.contract.internal.CelSupport;
import dev.headwater.contract.internal.CelValues;
import dev.headwater.contract.internal.FieldConstraints;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * The rule engine of one contract version. Field constraints are compiled once into plain Java checks on the field's
 * position (the fast path); CEL expressions are compiled once into programs and evaluated over a map view of the record,
 * built only when the contract has CEL rules. Every rule of a record is evaluated and every violation returned, not just
 * the first; values of fields classified sensitive are redacted. A contract without rules costs a method call.
 *
 * <p>Thread safe.
 */
public final class ContractValidator {

    private final Schema schema;
    private final FieldRule[] fieldRules;
    private final CelRule[] celRules;
    private final Map<Schema, int[]> positionsBySchema = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Schema lastVerified;

    private ContractValidator(Schema schema, FieldRule[] fieldRules, CelRule[] celRules) {
        this.schema = schema;
        this.fieldRules = fieldRules;
        this.celRules = celRules;
    }

    static ContractValidator compile(DataContract contract) {
        return compile(contract, Clock.systemUTC());
    }

    static ContractValidator compile(DataContract contract, java.util.function.Predicate<RuleMode> side) {
        return compile(contract, Clock.systemUTC(), side);
    }

    /**
     * Compiles a contract's rules with a given clock (for {@code notInFuture}).
     *
     * @param contract the contract
     * @param clock the clock
     * @return the validator
     */
    public static ContractValidator compile(DataContract contract, Clock clock) {
        return compile(contract, clock, mode -> true);
    }

    /**
     * Compiles the rules of a contract that are checked on one side, such as {@link RuleMode#onRead()}.
     *
     * @param contract the contract
     * @param clock the clock (for {@code notInFuture})
     * @param side which modes to keep
     * @return the validator of the rules whose mode {@code side} accepts
     */
    public static ContractValidator compile(DataContract contract, Clock clock,
            java.util.function.Predicate<RuleMode> side) {
        Objects.requireNonNull(clock, "clock");
        Schema schema = contract.schema();
        List<FieldRule> fieldRules = new ArrayList<>();
        List<CelRule> celRules = new ArrayList<>();
        for (ContractRule rule : contract.rules()) {
            if (!side.test(rule.mode())) {
                continue;
            }
            if (rule.isExpression()) {
                celRules.add(new CelRule(rule));
            } else {
                Schema.Field field = schema.getField(rule.field());
                boolean sensitive = contract.field(rule.field()).map(FieldInfo::sensitive).orElse(false);
                Schema type = AvroFields.valueType(field);
                fieldRules.add(new FieldRule(rule, field.pos(), sensitive, FieldConstraints.kindOf(type),
                        FieldConstraints.compile(rule, type, clock)));
            }
        }
        return new ContractValidator(schema, fieldRules.toArray(FieldRule[]::new), celRules.toArray(CelRule[]::new));
    }

    /** @return true when the contract has at least one rule */
    public boolean hasRules() {
        return fieldRules.length > 0 || celRules.length > 0;
    }

    /**
     * Evaluates every rule against a record.
     *
     * @param record the record: a GenericRecord or SpecificRecord of the contract's schema (or of one with the same
     *     field names)
     * @return every violation, in rule order; empty when the record passes
     */
    public List<Violation> validate(Object record) {
        if (!hasRules()) {
            return List.of();
        }
        if (!(record instanceof IndexedRecord indexed)) {
            return List.of(new Violation("schema", "", "the value is not an Avro record of " + schema.getFullName()
                    + " but " + (record == null ? "null" : record.getClass().getName()), "", OnFailure.ERROR));
        }
        List<Violation> violations = null;
        int[] positions = positions(indexed.getSchema());
        for (int i = 0; i < fieldRules.length; i++) {
            FieldRule rule = fieldRules[i];
            Object value = null;
            String problem;
            try {
                value = positions == null ? indexed.get(rule.position) : positions[i] < 0 ? null
                        : indexed.get(positions[i]);
                problem = rule.test(value);
            } catch (RuntimeException e) {
                problem = couldNotCheck(e);
            }
            if (problem != null) {
                if (violations == null) {
                    violations = new ArrayList<>(4);
                }
                violations.add(new Violation(rule.rule.name(), rule.rule.field(), rule.rule.field() + " " + problem,
                        value == null ? "" : rule.sensitive ? Violation.REDACTED : String.valueOf(value),
                        rule.rule.onFailure()));
            }
        }
        if (celRules.length > 0) {
            Map<String, Object> view = null;
            RuntimeException unreadable = null;
            try {
                view = CelValues.record(indexed);
            } catch (RuntimeException e) {
                unreadable = e;
            }
            for (CelRule rule : celRules) {
                try {
                    if (unreadable != null) {
                        throw unreadable;
                    }
                    violations = rule.evaluate(indexed, view, violations);
                } catch (RuntimeException e) {
                    violations = violations == null ? new ArrayList<>(4) : violations;
                    violations.add(new Violation(rule.rule.name(), "", "expression '" + rule.rule.expr() + "' "
                            + couldNotCheck(e), "", rule.rule.onFailure()));
                }
            }
        }
        return violations == null ? List.of() : violations;
    }

    /**
     * A rule that cannot be evaluated on a record is broken by it, under its own name and with its own onFailure: a
     * record of another schema whose field has another type is set aside or refused as the rule says, on every route.
     */
    private static String couldNotCheck(RuntimeException e) {
        return "could not be checked on this record: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** Field positions for a record schema other than the contract's own; null when the contract's positions hold. */
    private int[] positions(Schema recordSchema) {
        if (recordSchema == schema || recordSchema == lastVerified) {
            return null;
        }
        if (recordSchema.equals(schema)) {
            lastVerified = recordSchema;
            return null;
        }
        return positionsBySchema.computeIfAbsent(recordSchema, s -> {
            int[] positions = new int[fieldRules.length];
            for (int i = 0; i < fieldRules.length; i++) {
                Schema.Field field = s.getField(fieldRules[i].rule.field());
                positions[i] = field == null ? -1 : field.pos();
            }
            return positions;
        });
    }

    private static final class FieldRule {
        final ContractRule rule;
        final int position;
        final boolean sensitive;
        /** The type check, or null; a value of another type gets a violation, never a ClassCastException. */
        final FieldConstraints.Check kind;
        final FieldConstraints.Check[] checks;

        FieldRule(ContractRule rule, int position, boolean sensitive, FieldConstraints.Check kind,
                FieldConstraints.Check[] checks) {
            this.rule = rule;
            this.position = position;
            this.sensitive = sensitive;
            this.kind = kind;
            this.checks = checks;
        }

        String test(Object value) {
            if (value == null) {
                return rule.required() ? "is required but was null" : null;
            }
            if (kind != null && checks.length > 0) {
                String wrongType = kind.test(value);
                if (wrongType != null) {
                    return wrongType;
                }
            }
            for (FieldConstraints.Check check : checks) {
                String problem = check.test(value);
                if (problem != null) {
                    return problem;
                }
            }
            return null;
        }
    }

    private static final class CelRule {
        final ContractRule rule;
        final CelRuntime.Program program;
        final CelRuntime.Program guard;
        final CelFastPath fastPath;

        CelRule(ContractRule rule) {
            this.rule = rule;
            if (rule.exprType().equals("CEL_FIELD")) {
                String[] parts = rule.expr().split(";", 2);
                this.guard = CelSupport.program(parts[0].strip());
                this.program = CelSupport.program(parts[1].strip());
                this.fastPath = null;
            } else {
                this.guard = null;
                this.program = CelSupport.program(rule.expr());
                this.fastPath = CelSupport.fastPath(rule.expr()).orElse(null);
            }
        }

        List<Violation> evaluate(IndexedRecord record, Map<String, Object> view, List<Violation> violations) {
            if (guard == null) {
                if (fastPath != null) {
                    Object verdict = fastPath.evaluate(view);
                    if (verdict instanceof Boolean passed) {
                        return passed ? violations : add(violations, isFalse(), "");
                    }
                }
                // a resolver, not a map: CEL copies a map into a new activation on every evaluation
                Optional<Object> message = Optional.of(view);
                CelVariableResolver activation = name -> CelSupport.MESSAGE.equals(name) ? message : Optional.empty();
                return add(violations, outcome(program, activation), "");
            }
            List<Violation> result = violations;
            for (Schema.Field field : record.getSchema().getFields()) {
                Map<String, Object> activation = new HashMap<>(8);
                activation.put(CelSupport.MESSAGE, view);
                activation.put("name", field.name());
                activation.put("typeName", AvroFields.valueType(field).getType().name());
                activation.put("value", view.get(field.name()));
                CelVariableResolver resolver = name -> Optional.ofNullable(activation.get(name));
                if (Boolean.TRUE.equals(evalQuietly(guard, resolver))) {
                    result = add(result, outcome(program, resolver), field.name());
                }
            }
            return result;
        }

        private List<Violation> add(List<Violation> violations, String problem, String field) {
            if (problem == null) {
                return violations;
            }
            List<Violation> result = violations == null ? new ArrayList<>(4) : violations;
            result.add(new Violation(rule.name(), field, problem, "", rule.onFailure()));
            return result;
        }

        private String outcome(CelRuntime.Program program, CelVariableResolver activation) {
            try {
                Object result = program.eval(activation);
                return Boolean.TRUE.equals(result) ? null : isFalse();
            } catch (Exception e) {
                return "expression '" + rule.expr() + "' could not be evaluated: " + e.getMessage();
            }
        }

        private String isFalse() {
            return "expression '" + rule.expr() + "' is false";
        }

        private static Object evalQuietly(CelRuntime.Program program, CelVariableResolver activation) {
            try {
                return program.eval(activation);
            } catch (Exception e) {
                return Boolean.FALSE;
            }
        }
    }
}
