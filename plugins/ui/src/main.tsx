/**
 * The Job Orchestrator's pages, rendered by Airflow's UI at <base>/plugin/job-orchestrator/*.
 *
 * React, its JSX runtime and the router are the host's (externals of the UMD build); Chakra's
 * system is the host's too when it shares one (Airflow 3.2+), so the admin's theme and dark
 * mode apply. The component is the bundle's default export, which the build assigns to
 * globalThis.AirflowPlugin for the host to find.
 */
import { Box, ChakraProvider } from "@chakra-ui/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { useState } from "react";
import { Navigate, Route, Routes } from "react-router-dom";

import { usePagePath } from "./components/PageLinks";
import { ArtifactsPage } from "./pages/ArtifactsPage";
import { DeploymentsPage } from "./pages/DeploymentsPage";
import { DeployPage } from "./pages/DeployPage";
import { hostOrLocalSystem } from "./theme";

function JobOrchestrator() {
  const [queryClient] = useState(
    () => new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: 30_000 } } }),
  );
  return (
    <ChakraProvider value={hostOrLocalSystem()}>
      <QueryClientProvider client={queryClient}>
        <Box data-job-orchestrator="" height="100%" overflow="auto">
          <Routes>
            <Route index element={<ToDeployments />} />
            <Route path="deployments" element={<DeploymentsPage />} />
            <Route path="browse" element={<ArtifactsPage />} />
            <Route path="deploy" element={<DeployPage />} />
            <Route path="*" element={<ToDeployments />} />
          </Routes>
        </Box>
      </QueryClientProvider>
    </ChakraProvider>
  );
}

/**
 * The landing page, also for unknown addresses. Absolute: a relative target from the splat
 * route resolves below the unknown address itself, which matches the splat again, forever.
 */
function ToDeployments() {
  const pagePath = usePagePath();
  return <Navigate replace to={pagePath("deployments")} />;
}

export default JobOrchestrator;
