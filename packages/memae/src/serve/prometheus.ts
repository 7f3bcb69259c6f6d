// Prometheus metrics of the service (prom-client), served as text at GET /metrics.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

export class ServiceMetrics {
  readonly registry = new Registry();
  readonly requests = new Counter({ name: 'memae_http_requests_total', help: 'HTTP requests', labelNames: ['route', 'method', 'status'], registers: [this.registry] });
  readonly duration = new Histogram({
    name: 'memae_http_request_duration_seconds', help: 'HTTP request duration', labelNames: ['route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [this.registry],
  });
  readonly batchSamples = new Histogram({ name: 'memae_batch_samples', help: 'samples per forward pass (micro-batch size)', labelNames: ['model'], buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256], registers: [this.registry] });
  readonly batchRequests = new Histogram({ name: 'memae_batch_requests', help: 'requests merged into one forward pass', labelNames: ['model'], buckets: [1, 2, 4, 8, 16, 32, 64, 128], registers: [this.registry] });
  readonly batchSeconds = new Histogram({ name: 'memae_batch_duration_seconds', help: 'forward pass duration', labelNames: ['model'], buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1], registers: [this.registry] });
  readonly samples = new Counter({ name: 'memae_samples_scored_total', help: 'samples scored', labelNames: ['model'], registers: [this.registry] });

  constructor(tensorStats?: () => { numTensors: number; numBytes: number }) {
    collectDefaultMetrics({ register: this.registry, prefix: 'memae_' });
    if (tensorStats) {
      new Gauge({ name: 'memae_tfjs_tensors', help: 'live tfjs tensors', registers: [this.registry], collect() { this.set(tensorStats().numTensors); } });
      new Gauge({ name: 'memae_tfjs_bytes', help: 'bytes held by live tfjs tensors', registers: [this.registry], collect() { this.set(tensorStats().numBytes); } });
    }
  }
}
