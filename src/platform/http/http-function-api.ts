/** An HTTP request that invokes one function. */
export interface FunctionCall {
  url: URL;
  body: string;
  contentType: string;
}

/** What one invocation returned: `OK` and the function's output, or an error retcode and no output. */
export interface FunctionResult {
  retcode: string;
  output: string;
}

/**
 * How a kind of FaaS platform is called over HTTP: which URL and body invoke a function with an input,
 * and what an HTTP answer means.
 */
export interface HttpFunctionApi {
  /** The request invoking `name` with `input`, or the retcode saying why there is none. */
  call(name: string, input: string): FunctionCall | string;
  /** The result of an HTTP answer with this status and body. */
  result(status: number, body: string): FunctionResult;
}
