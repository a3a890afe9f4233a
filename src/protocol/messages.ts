/**
 * Typed shapes of the `uiiit.rpc` messages (proto3, field names as in the .proto files).
 * Decoded messages always carry every field (proto3 defaults filled in); messages to encode may omit any.
 */

/** An application state: embedded when `location` is empty, else held by the StateServer at `location`. */
export interface State {
  name: string;
  location: string;
  content: Buffer;
}

/** A list of function names (values of `LambdaRequest.dependencies`). */
export interface FunctionList {
  functions: string[];
}

/** A list of DAG node indices. */
export interface IndexList {
  functions: number[];
}

/** A DAG of functions: `names[i]` runs at node i, `successors[i]` are the nodes after node i. */
export interface Dag {
  successors: IndexList[];
  names: string[];
}

/** A lambda invocation (`uiiit.rpc.LambdaRequest`). */
export interface LambdaRequest {
  name: string;
  input: string;
  datain: Buffer;
  dry: boolean;
  forward: boolean;
  hops: number;
  states: Record<string, State>;
  callback: string;
  chain: string[];
  dag: Dag | null;
  dependencies: Record<string, FunctionList>;
  nextFunctionIndex: number;
  uuid: string;
}

/** The result of a lambda invocation (`uiiit.rpc.LambdaResponse`); `retcode` is `OK` on success. */
export interface LambdaResponse {
  retcode: string;
  output: string;
  responder: string;
  ptime: number;
  dataout: Buffer;
  load1: number;
  load10: number;
  load30: number;
  hops: number;
  states: Record<string, State>;
  asynchronous: boolean;
}

/** Reply of the StateServer service. */
export interface StateResponse {
  retcode: string;
  state: State | null;
}

/** The empty message. */
export type Void = Record<string, never>;

/** Actions of a forwarding-table configuration command. */
export type EdgeRouterAction = 'FLUSH' | 'CHANGE' | 'REMOVE';

/** A forwarding-table configuration command (`uiiit.rpc.EdgeRouterConf`). */
export interface EdgeRouterConf {
  action: EdgeRouterAction;
  lambda: string;
  destination: string;
  weight: number;
  final: boolean;
}

/** Reply of EdgeRouter.Configure: empty `msg` or an error text. */
export interface Return {
  msg: string;
}

/** One row of a forwarding table. */
export interface ForwardingTableEntry {
  lambda: string;
  destination: string;
  weight: number;
  final: boolean;
}

/** A dump of one forwarding table. */
export interface ForwardingTable {
  entries: ForwardingTableEntry[];
}

/** A numeric id or count wrapper (`TableId`, `NumTables`). */
export interface UInt32Value {
  value: number;
}

/** A container as announced to the controller. */
export interface ContainerInfo {
  name: string;
  processor: string;
  lambda: string;
  numWorkers: number;
}

/** What an edge computer announces to (or removes from) the controller. */
export interface ComputerInfo {
  edgeServerEndpoint: string;
  containers: ContainerInfo[];
  /** Not in the original (field 15, which it skips): a js computer's management API, else empty. */
  managementEndpoint: string;
}

/** One computer in a {@link ComputerList}. */
export interface ComputerListEntry {
  edgeServerEndpoint: string;
  /** Its management API (a js computer's), or empty. */
  managementEndpoint: string;
  lambdas: string[];
}

/** The computers a controller knows (`soe.rpc.ComputerList`, of `soe.rpc.ControllerView`). */
export interface ComputerList {
  computers: ComputerListEntry[];
}

/** What an edge router announces to the controller. */
export interface RouterInfo {
  edgeServerEndpoint: string;
  forwardingTableEndpoint: string;
}

/** One sample of processor utilizations in [0, 1], keyed by processor name. */
export interface Utilization {
  values: Record<string, number>;
}

/** An association of the ETSI UE application LCM proxy (`uiiit.etsimec.rpc.AddressTuple`); client '' = any. */
export interface AddressTuple {
  client: string;
  appName: string;
  server: string;
}

/** A count (`uiiit.etsimec.rpc.Number`). */
export interface EtsiNumber {
  value: number;
}

/** The LCM proxy's address associations (`uiiit.etsimec.rpc.Table`). */
export interface AddressTable {
  table: AddressTuple[];
}

/** One active UE application context: client address, app name, current end-point. */
export interface ContextTuple {
  address: string;
  appName: string;
  edgeRouter: string;
}

/** The LCM proxy's active contexts (`uiiit.etsimec.rpc.Contexts`). */
export interface ContextTable {
  contexts: ContextTuple[];
}

/** A lambda name (`uiiit.etsimec.rpc.Lambda`). */
export interface LambdaName {
  value: string;
}

/** The message types of the protocol, by fully-qualified name. */
export interface MessageTypes {
  'uiiit.rpc.Void': Void;
  'uiiit.rpc.State': State;
  'uiiit.rpc.FunctionList': FunctionList;
  'uiiit.rpc.IndexList': IndexList;
  'uiiit.rpc.Dag': Dag;
  'uiiit.rpc.LambdaRequest': LambdaRequest;
  'uiiit.rpc.LambdaResponse': LambdaResponse;
  'uiiit.rpc.StateResponse': StateResponse;
  'uiiit.rpc.EdgeRouterConf': EdgeRouterConf;
  'uiiit.rpc.Return': Return;
  'uiiit.rpc.ForwardingTable': ForwardingTable;
  'uiiit.rpc.ForwardingTable.Entry': ForwardingTableEntry;
  'uiiit.rpc.TableId': UInt32Value;
  'uiiit.rpc.NumTables': UInt32Value;
  'uiiit.rpc.ComputerInfo': ComputerInfo;
  'uiiit.rpc.ComputerInfo.Container': ContainerInfo;
  'uiiit.rpc.RouterInfo': RouterInfo;
  'uiiit.rpc.Utilization': Utilization;
  'soe.rpc.ComputerList': ComputerList;
  'soe.rpc.ComputerList.Computer': ComputerListEntry;
}

/** Fully-qualified name of a protocol message type. */
export type MessageName = keyof MessageTypes;
