/** Dead letters: the headers that say why a record was set aside ({@link dev.headwater.deadletter.DeadLetterHeaders}). */
package dev.headwater.deadletter;
