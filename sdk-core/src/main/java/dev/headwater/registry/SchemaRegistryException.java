package dev.headwater.registry;

import dev.headwater.HeadwaterException;

/**
 * The schema registry refused a request or could not be reached. Carries the registry's {@code error_code} (such as
 * 40401 subject not found, 40402 version not found, 40403 schema not found, 409 incompatible, 42201 invalid schema), the
 * HTTP status and the URL asked, without credentials. For failures that never got an answer (connection refused, timeout,
 * open circuit breaker) the status and error code are -1.
 */
public class SchemaRegistryException extends HeadwaterException {

    private static final long serialVersionUID = 1L;

    /** Error code: subject not found. */
    public static final int SUBJECT_NOT_FOUND = 40401;
    /** Error code: version not found. */
    public static final int VERSION_NOT_FOUND = 40402;
    /** Error code: schema not found. */
    public static final int SCHEMA_NOT_FOUND = 40403;
    /** Error code: subject soft-deleted. */
    public static final int SUBJECT_SOFT_DELETED = 40404;
    /** Error code: subject must be soft-deleted before it is deleted permanently. */
    public static final int SUBJECT_NOT_SOFT_DELETED = 40405;
    /** Error code: schema version soft-deleted. */
    public static final int VERSION_SOFT_DELETED = 40406;
    /** Error code: version must be soft-deleted before it is deleted permanently. */
    public static final int VERSION_NOT_SOFT_DELETED = 40407;
    /** Error code: no compatibility level set for the subject. */
    public static final int SUBJECT_COMPATIBILITY_NOT_CONFIGURED = 40408;
    /** Error code: the schema is incompatible with earlier versions. */
    public static final int INCOMPATIBLE_SCHEMA = 409;
    /** Error code: the schema is invalid. */
    public static final int INVALID_SCHEMA = 42201;
    /** Error code: the version is invalid. */
    public static final int INVALID_VERSION = 42202;
    /** Error code: the compatibility level is invalid. */
    public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

    private final int httpStatus;
    private final int errorCode;
    private final String url;
    private final String registryMessage;

    /**
     * Creates the exception.
     *
     * @param message what happened and what to do
     * @param httpStatus the HTTP status, or -1 without an answer
     * @param errorCode the registry's error code, or -1
     * @param url the URL asked, without credentials
     * @param registryMessage the registry's own message, or an empty string
     * @param cause the underlying failure, or null
     */
    public SchemaRegistryException(String message, int httpStatus, int errorCode, String url, String registryMessage,
            Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
        this.url = url;
        this.registryMessage = registryMessage;
    }

    /** @return the HTTP status, or -1 when the registry never answered */
    public int httpStatus() {
        return httpStatus;
    }

    /** @return the registry's {@code error_code}, or -1 */
    public int errorCode() {
        return errorCode;
    }

    /** @return the URL asked, without credentials */
    public String url() {
        return url;
    }

    /** @return the registry's own message, or an empty string */
    public String registryMessage() {
        return registryMessage;
    }

    /**
     * @return true when asking again later may succeed: the registry did not answer (connection refused, timeout,
     *     open circuit breaker), answered a server error (5xx), or asked to slow down (429) or to retry (408)
     */
    public boolean isTransient() {
        return httpStatus < 0 || httpStatus >= 500 || httpStatus == 429 || httpStatus == 408;
    }

    /** @return true when the registry answered that the thing asked for does not exist (HTTP 404) */
    public boolean isNotFound() {
        return httpStatus == 404;
    }
}
