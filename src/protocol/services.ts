import * as grpc from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import { codec, protoRoot } from './codec.js';
import type * as M from './messages.js';

/** Services of the protocol, with each method's request and response types. */
export interface Services {
  'uiiit.rpc.EdgeServer': { RunLambda: [M.LambdaRequest, M.LambdaResponse] };
  'uiiit.rpc.CallbackServer': { ReceiveResponse: [M.LambdaResponse, M.Void] };
  'uiiit.rpc.StateServer': {
    Get: [M.State, M.StateResponse];
    Put: [M.State, M.StateResponse];
    Del: [M.State, M.StateResponse];
  };
  'uiiit.rpc.EdgeRouter': {
    Configure: [M.EdgeRouterConf, M.Return];
    GetTable: [M.UInt32Value, M.ForwardingTable];
    GetNumTables: [M.Void, M.UInt32Value];
  };
  'uiiit.rpc.EdgeController': {
    AnnounceComputer: [M.ComputerInfo, M.Void];
    AnnounceRouter: [M.RouterInfo, M.Void];
    RemoveComputer: [M.ComputerInfo, M.Void];
  };
  'uiiit.rpc.EdgeComputer': { StreamUtil: [M.Void, M.Utilization, 'stream'] };
  'soe.rpc.ControllerView': { ListComputers: [M.Void, M.ComputerList] };
  'uiiit.etsimec.rpc.UeAppLcmProxy': {
    associateAddress: [M.AddressTuple, M.Void];
    removeAddress: [M.AddressTuple, M.Void];
    addLambda: [M.LambdaName, M.Void];
    delLambda: [M.LambdaName, M.Void];
    numContexts: [M.Void, M.EtsiNumber];
    table: [M.Void, M.AddressTable];
    contexts: [M.Void, M.ContextTable];
  };
}

/** Fully-qualified name of a protocol service. */
export type ServiceName = keyof Services;

/** Method names of a service. */
export type MethodName<S extends ServiceName> = keyof Services[S] & string;

/** Request type of a method. */
export type RequestOf<S extends ServiceName, K extends MethodName<S>> = Services[S][K] extends [
  infer Req,
  unknown,
  ...unknown[],
]
  ? Req
  : never;

/** Response type of a method (of each streamed message, for a server-streaming one). */
export type ResponseOf<S extends ServiceName, K extends MethodName<S>> = Services[S][K] extends [
  unknown,
  infer Res,
  ...unknown[],
]
  ? Res
  : never;

/** Handler of a unary method: the request in, the reply (or a thrown error) out. */
export type UnaryHandler<Req, Res> = (
  request: Req,
  call: grpc.ServerUnaryCall<Req, Res>,
) => Promise<Res> | Res;

/** Handler of a server-streaming method: writes to the call until it ends or is cancelled. */
export type StreamHandler<Req, Res> = (call: grpc.ServerWritableStream<Req, Res>) => void;

/** The implementation of every method of a service. */
export type ServiceImpl<S extends ServiceName> = {
  [K in MethodName<S>]: Services[S][K] extends [infer Req, infer Res, 'stream']
    ? StreamHandler<Req, Res>
    : Services[S][K] extends [infer Req, infer Res]
      ? UnaryHandler<Req, Res>
      : never;
};

const definitions = new Map<string, grpc.ServiceDefinition>();

/**
 * The grpc-js definition of a service, built from the .proto files with the protocol codecs, so that
 * method paths are the original ones (`/uiiit.rpc.EdgeServer/RunLambda`).
 */
export function serviceDefinition(name: ServiceName): grpc.ServiceDefinition {
  let def = definitions.get(name);
  if (def === undefined) {
    const service = protoRoot().lookupService(name);
    const methods: Record<string, grpc.MethodDefinition<unknown, unknown>> = {};
    for (const method of service.methodsArray) {
      method.resolve();
      const req = codec((method.resolvedRequestType as protobuf.Type).fullName.slice(1));
      const res = codec((method.resolvedResponseType as protobuf.Type).fullName.slice(1));
      methods[method.name] = {
        path: `/${name}/${method.name}`,
        requestStream: method.requestStream === true,
        responseStream: method.responseStream === true,
        requestSerialize: (m: unknown) => req.encode(m as never),
        requestDeserialize: (b: Buffer) => req.decode(b),
        responseSerialize: (m: unknown) => res.encode(m as never),
        responseDeserialize: (b: Buffer) => res.decode(b),
        originalName: method.name,
      };
    }
    def = methods;
    definitions.set(name, def);
  }
  return def;
}
