package dev.headwater.contract.internal;

import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.NullableType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;
import dev.headwater.contract.AvroFields;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;

/**
 * CEL for contracts: type-checks expressions against the record's Avro schema (as a CEL struct, so unknown fields and
 * type mismatches are caught when the contract loads) and compiles them into programs evaluated over a map view of the
 * record. Internal: not for users.
 */
public final class CelSupport {

    /** The variable CEL rules see the record as. */
    public static final String MESSAGE = "message";

    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().build();
    private static final CelType DYN_MESSAGE = MapType.create(SimpleType.STRING, SimpleType.DYN);
    private static final CelCompiler DYNAMIC = CelCompilerFactory.standardCelCompilerBuilder()
            .addVar(MESSAGE, DYN_MESSAGE)
            .addVar("name", SimpleType.STRING)
            .addVar("value", SimpleType.DYN)
            .addVar("typeName", SimpleType.STRING)
            .build();

    private CelSupport() {
    }

    /**
     * Type-checks a boolean expression against a record schema.
     *
     * @param schema the record schema
     * @param expr the expression
     * @param fieldRule true for CEL_FIELD conditions, which also see {@code name}, {@code value} and {@code typeName}
     * @return the checker's errors, or empty when the expression is valid
     */
    public static Optional<String> check(Schema schema, String expr, boolean fieldRule) {
        StructType struct = struct(schema);
        CelTypeProvider provider = new CelTypeProvider() {
            @Override
            public ImmutableCollection<CelType> types() {
                return ImmutableList.of(struct);
            }

            @Override
            public Optional<CelType> findType(String typeName) {
                return typeName.equals(struct.name()) ? Optional.of(struct) : Optional.empty();
            }
        };
        var builder = CelCompilerFactory.standardCelCompilerBuilder().setTypeProvider(provider).addVar(MESSAGE, struct)
                .setResultType(SimpleType.BOOL);
        if (fieldRule) {
            builder.addVar("name", SimpleType.STRING).addVar("value", SimpleType.DYN)
                    .addVar("typeName", SimpleType.STRING);
        }
        CelValidationResult result = builder.build().compile(expr);
        return result.hasError() ? Optional.of(result.getErrorString().replace('\n', ' ').replaceAll("\\s+", " "))
                : Optional.empty();
    }

    /**
     * Compiles an expression into a program over a map view of the record. Call {@link #check} first.
     *
     * @param expr the expression
     * @return the program
     */
    public static CelRuntime.Program program(String expr) {
        try {
            CelAbstractSyntaxTree ast = DYNAMIC.compile(expr).getAst();
            return RUNTIME.createProgram(ast);
        } catch (Exception e) {
            throw new IllegalArgumentException("CEL expression '" + expr + "' does not compile: " + e.getMessage(), e);
        }
    }

    /**
     * Plans the fast path of an expression (see {@link CelFastPath}). Call {@link #check} first.
     *
     * @param expr the expression
     * @return the fast path, or empty when the expression needs CEL's interpreter
     */
    public static Optional<CelFastPath> fastPath(String expr) {
        try {
            return CelFastPath.plan(DYNAMIC.compile(expr).getAst().getExpr());
        } catch (Exception e) {
            return Optional.empty();
        }
    }

    private static StructType struct(Schema schema) {
        Map<String, CelType> fields = new LinkedHashMap<>();
        for (Schema.Field field : schema.getFields()) {
            CelType type = celType(AvroFields.valueType(field));
            fields.put(field.name(), AvroFields.nullable(field) && type instanceof SimpleType simple
                    ? NullableType.create(simple) : type);
        }
        return StructType.create("headwater." + schema.getFullName(), ImmutableSet.copyOf(fields.keySet()),
                name -> Optional.ofNullable(fields.get(name)));
    }

    private static CelType celType(Schema type) {
        return switch (type.getType()) {
            case STRING, ENUM -> SimpleType.STRING;
            case INT, LONG -> SimpleType.INT;
            case FLOAT, DOUBLE -> SimpleType.DOUBLE;
            case BOOLEAN -> SimpleType.BOOL;
            case BYTES, FIXED -> SimpleType.BYTES;
            case ARRAY -> ListType.create(celType(type.getElementType()));
            case MAP -> MapType.create(SimpleType.STRING, celType(type.getValueType()));
            default -> SimpleType.DYN;
        };
    }
}
