/**
 * Auto-configuration of the protection policies.
 */
package dev.scalability.protection.autoconfigure;
