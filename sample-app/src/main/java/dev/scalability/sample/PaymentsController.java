package dev.scalability.sample;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/payments/charge?fail=true}: a charge through the protected gateway;
 * {@code X-Bank-Calls} says how often this instance called the bank so far (retries
 * included).
 */
@RestController
@RequestMapping("/api/payments")
class PaymentsController {

	private final PaymentGateway gateway;

	PaymentsController(PaymentGateway gateway) {
		this.gateway = gateway;
	}

	@GetMapping("/charge")
	ResponseEntity<PaymentGateway.Charge> charge(@RequestParam(defaultValue = "1000") long cents,
			@RequestParam(defaultValue = "false") boolean fail) {
		PaymentGateway.Charge charge = this.gateway.charge(cents, fail);
		return ResponseEntity.ok().header("X-Bank-Calls", Long.toString(this.gateway.bankCalls())).body(charge);
	}

	@ExceptionHandler(BankUnreachableException.class)
	ResponseEntity<ProblemDetail> bankUnavailable(BankUnreachableException ex) {
		return ResponseEntity.status(HttpStatus.BAD_GATEWAY)
			.header("X-Bank-Calls", Long.toString(this.gateway.bankCalls()))
			.body(ProblemDetail.forStatusAndDetail(HttpStatus.BAD_GATEWAY, ex.getMessage()));
	}

}
