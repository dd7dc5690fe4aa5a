package dev.headwater.contract.internal;

import dev.cel.common.ast.CelConstant;
import dev.cel.common.ast.CelExpr;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Evaluates the common shape of contract rules (field reads, literals, comparisons, {@code size}, {@code !},
 * {@code &&}, {@code ||}) directly over the record's CEL view, about ten times faster than CEL's interpreter.
 *
 * <p>It only answers when it is certain to give CEL's own answer: operands of exactly the same type (int with int,
 * double with double, string equality, bool equality), no errors, no nulls in comparisons, no functions beyond
 * {@code size}. In every other case it answers {@link #UNDECIDED} and the caller evaluates the expression with CEL's
 * interpreter, so a rule never gets a different verdict from the fast path. Internal: not for users.
 */
public final class CelFastPath {

    /** The answer when the fast path cannot be sure of CEL's answer. */
    public static final Object UNDECIDED = new Object() {
        @Override
        public String toString() {
            return "UNDECIDED";
        }
    };

    private final Node root;

    private CelFastPath(Node root) {
        this.root = root;
    }

    /**
     * Plans an expression over the variable {@link CelSupport#MESSAGE}.
     *
     * @param expr the parsed expression
     * @return a fast path, or empty when the expression uses anything the fast path does not cover
     */
    public static Optional<CelFastPath> plan(CelExpr expr) {
        Node node = node(expr);
        return node == null ? Optional.empty() : Optional.of(new CelFastPath(node));
    }

    /**
     * Evaluates the expression.
     *
     * @param message the record's CEL view
     * @return {@link Boolean#TRUE}, {@link Boolean#FALSE}, another value, or {@link #UNDECIDED}
     */
    public Object evaluate(Map<String, Object> message) {
        return root.eval(message);
    }

    @FunctionalInterface
    private interface Node {
        Object eval(Map<String, Object> message);
    }

    private static Node node(CelExpr expr) {
        return switch (expr.getKind()) {
            case CONSTANT -> constant(expr.constant());
            case SELECT -> select(expr);
            case CALL -> call(expr.call());
            default -> null;
        };
    }

    private static Node constant(CelConstant constant) {
        if (constant.getKind() == CelConstant.Kind.NULL_VALUE) {
            // comparisons with null are left to CEL; an && or || may still be settled by its other side
            return message -> UNDECIDED;
        }
        Object value = switch (constant.getKind()) {
            case BOOLEAN_VALUE -> constant.booleanValue();
            case INT64_VALUE -> constant.int64Value();
            case DOUBLE_VALUE -> constant.doubleValue();
            case STRING_VALUE -> constant.stringValue();
            default -> null;
        };
        return value == null ? null : message -> value;
    }

    private static Node select(CelExpr expr) {
        CelExpr.CelSelect select = expr.select();
        CelExpr operand = select.operand();
        if (select.testOnly() || operand.getKind() != CelExpr.ExprKind.Kind.IDENT
                || !operand.ident().name().equals(CelSupport.MESSAGE)) {
            return null;
        }
        CelValues.Field field = new CelValues.Field(select.field());
        return message -> {
            Object value = CelValues.read(message, field);
            return value == null ? UNDECIDED : value;
        };
    }

    private static Node call(CelExpr.CelCall call) {
        if (call.target().isPresent()) {
            // receiver style: only x.size()
            if (!call.function().equals("size") || !call.args().isEmpty()) {
                return null;
            }
            Node target = node(call.target().get());
            return target == null ? null : message -> size(target.eval(message));
        }
        List<CelExpr> args = call.args();
        Node[] operands = new Node[args.size()];
        for (int i = 0; i < operands.length; i++) {
            operands[i] = node(args.get(i));
            if (operands[i] == null) {
                return null;
            }
        }
        return switch (call.function() + "/" + operands.length) {
            case "size/1" -> message -> size(operands[0].eval(message));
            case "!_/1" -> message -> operands[0].eval(message) instanceof Boolean b ? !b : UNDECIDED;
            case "_&&_/2" -> junction(operands[0], operands[1], Boolean.FALSE);
            case "_||_/2" -> junction(operands[0], operands[1], Boolean.TRUE);
            case "_==_/2" -> message -> equal(operands[0].eval(message), operands[1].eval(message), true);
            case "_!=_/2" -> message -> equal(operands[0].eval(message), operands[1].eval(message), false);
            case "_<_/2" -> compare(operands, c -> c < 0);
            case "_<=_/2" -> compare(operands, c -> c <= 0);
            case "_>_/2" -> compare(operands, c -> c > 0);
            case "_>=_/2" -> compare(operands, c -> c >= 0);
            default -> null;
        };
    }

    /**
     * CEL's {@code &&} (the absorbing value is false) and {@code ||} (true): the absorbing value on either side wins
     * over anything, even an error; otherwise both sides must be booleans.
     */
    private static Node junction(Node left, Node right, Boolean absorbing) {
        Boolean other = !absorbing;
        return message -> {
            Object l = left.eval(message);
            if (absorbing.equals(l)) {
                return absorbing;
            }
            Object r = right.eval(message);
            if (absorbing.equals(r)) {
                return absorbing;
            }
            return other.equals(l) && other.equals(r) ? other : UNDECIDED;
        };
    }

    private static Object size(Object value) {
        if (value instanceof String text) {
            return (long) text.codePointCount(0, text.length());
        }
        if (value instanceof List<?> list) {
            return (long) list.size();
        }
        if (value instanceof Map<?, ?> map) {
            return (long) map.size();
        }
        return UNDECIDED;
    }

    private static Object equal(Object left, Object right, boolean equal) {
        boolean sameType = left instanceof Long && right instanceof Long
                || left instanceof Double && right instanceof Double
                || left instanceof String && right instanceof String
                || left instanceof Boolean && right instanceof Boolean;
        if (!sameType) {
            return UNDECIDED;
        }
        if (left instanceof Double l && (l.isNaN() || ((Double) right).isNaN())) {
            return UNDECIDED;
        }
        boolean result = left instanceof Double l ? l.doubleValue() == (Double) right : left.equals(right);
        return result == equal;
    }

    @FunctionalInterface
    private interface Outcome {
        boolean test(int comparison);
    }

    private static Node compare(Node[] operands, Outcome outcome) {
        return message -> {
            Object left = operands[0].eval(message);
            Object right = operands[1].eval(message);
            if (left instanceof Long l && right instanceof Long r) {
                return outcome.test(Long.compare(l, r));
            }
            if (left instanceof Double l && right instanceof Double r) {
                if (l.isNaN() || r.isNaN()) {
                    return UNDECIDED;
                }
                // not Double.compare: CEL, like IEEE 754, has -0.0 == 0.0
                return outcome.test(l < r ? -1 : l > r ? 1 : 0);
            }
            return UNDECIDED;
        };
    }
}
