import * as roots from '../../../shared/engine/margin/piecewise-linear-roots.ts';
