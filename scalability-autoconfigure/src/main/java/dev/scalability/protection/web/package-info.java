/**
 * Protection policies in Spring MVC: refusals answered as problem details.
 */
package dev.scalability.protection.web;
