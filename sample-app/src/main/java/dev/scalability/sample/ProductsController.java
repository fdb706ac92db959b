package dev.scalability.sample;

import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Products read through the cache; {@code X-Loader-Calls} says how often this instance
 * went to the "database" so far.
 */
@RestController
@RequestMapping("/api/products")
class ProductsController {

	private final ProductCatalog catalog;

	ProductsController(ProductCatalog catalog) {
		this.catalog = catalog;
	}

	@GetMapping("/{id}")
	ResponseEntity<ProductCatalog.Product> product(@PathVariable long id) throws InterruptedException {
		ProductCatalog.Product product = this.catalog.product(id);
		return ResponseEntity.ok().header("X-Loader-Calls", Long.toString(this.catalog.loads())).body(product);
	}

	@PutMapping("/{id}")
	ResponseEntity<ProductCatalog.Product> update(@PathVariable long id, @RequestBody ProductCatalog.Product changes) {
		ProductCatalog.Product product = this.catalog.update(id, changes);
		return ResponseEntity.ok().header("X-Loader-Calls", Long.toString(this.catalog.loads())).body(product);
	}

}
