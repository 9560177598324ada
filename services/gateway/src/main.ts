import { runMain } from '@maas/grpc-kit';
import { runService } from '@maas/runtime';
import { gatewayService } from './service';

runMain(() => runService(gatewayService));
